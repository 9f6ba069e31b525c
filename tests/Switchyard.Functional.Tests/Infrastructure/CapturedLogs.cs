using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Switchyard.Functional.Tests.Infrastructure;

/// <summary>
/// A logger provider that keeps every formatted message, for asserting on what the gateway recorded; and, in
/// <see cref="Entries"/>, everything any log sink could print for an entry: category, level, message, the exception
/// with its stack and inner exceptions, the structured state values and the active scopes.
/// </summary>
internal sealed class CapturedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _messages = new();
    private readonly ConcurrentQueue<string> _entries = new();
    private readonly AsyncLocal<Scope?> _scope = new();

    public IReadOnlyCollection<string> Messages => _messages;

    /// <summary>One text per entry with every part a sink could write (see the class summary).</summary>
    public IReadOnlyCollection<string> Entries => _entries;

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed record Scope(object State, Scope? Parent);

    private sealed class Logger(CapturedLogs owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull
        {
            var parent = owner._scope.Value;
            owner._scope.Value = new Scope(state, parent);
            return new PopScope(owner, parent);
        }

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var message = formatter(state, exception);
            owner._messages.Enqueue(message);

            var entry = new StringBuilder().Append(category).Append(' ').Append(logLevel).Append(": ").Append(message);
            if (state is IEnumerable<KeyValuePair<string, object?>> values)
            {
                foreach (var (key, value) in values)
                {
                    entry.Append(" | ").Append(key).Append('=').Append(value);
                }
            }

            for (var scope = owner._scope.Value; scope is not null; scope = scope.Parent)
            {
                entry.Append(" | scope: ").Append(scope.State);
                if (scope.State is IEnumerable<KeyValuePair<string, object?>> scopeValues)
                {
                    foreach (var (key, value) in scopeValues)
                    {
                        entry.Append(' ').Append(key).Append('=').Append(value);
                    }
                }
            }

            if (exception is not null)
            {
                entry.AppendLine().Append(exception);
            }

            owner._entries.Enqueue(entry.ToString());
        }
    }

    private sealed class PopScope(CapturedLogs owner, Scope? parent) : IDisposable
    {
        public void Dispose() => owner._scope.Value = parent;
    }
}

using System.Text.Json;
using Switchyard.Core.Ir;
using Switchyard.Core.Routing.Preference;

namespace Switchyard.Core.Tests.Routing.Preference;

/// <summary>The fixed route config and conversation the golden tests are written against.</summary>
internal static class RouterFixtures
{
    public static readonly IReadOnlyList<RoutePreference> Routes =
    [
        new("code", "writing, reviewing or debugging code"),
        new("math", "solving equations and proofs"),
        new("chat", "general conversation and small talk"),
    ];

    /// <summary>
    /// System prompt, a tool round trip and an image around three text turns: the router must see only
    /// user "hi, café", assistant "Hello! How can I help?", user "fix my "Python" loop".
    /// </summary>
    public static IReadOnlyList<IrMessage> Conversation() =>
    [
        new(IrRole.System, [new IrTextPart("You are a helpful assistant.")]),
        new(IrRole.User, [new IrTextPart("hi, café")]),
        new(IrRole.Assistant, [new IrThinkingPart("the user greets me"), new IrTextPart("Hello! How can I help?"), new IrToolCallPart("call_1", "lookup", "{}")]),
        new(IrRole.Tool, [new IrToolResultPart("call_1", [new IrTextPart("tool output")])]),
        new(IrRole.User, [new IrImagePart { Url = "https://example.com/a.png" }, new IrTextPart("fix my \"Python\" loop")]),
    ];

    public static IrMessage User(string text) => new(IrRole.User, [new IrTextPart(text)]);

    public static IrMessage Assistant(string text) => new(IrRole.Assistant, [new IrTextPart(text)]);

    public static JsonElement Raw(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}

using Switchyard.Core.Catalog;
using Switchyard.Core.Routing.Metrics;

namespace Switchyard.Core.Resilience;

/// <summary>
/// Feeds the built-in <c>observed</c> latency source. At each attempt's commit point the time since the attempt
/// was sent (taken just before the upstream send, so connection setup and request upload count) is recorded into
/// <see cref="ObservedLatency"/> under the candidate's canonical name — the name ranking looks it up by:
/// <list type="bullet">
/// <item>streams (pass-through and translated): the first upstream event — true time to first token;</item>
/// <item>pass-through JSON answers: the first body bytes after the response headers;</item>
/// <item>translated JSON answers: the whole body read and decoded (it must be whole before it can be re-encoded),
/// so the figure is closer to full response time there.</item>
/// </list>
/// Failed attempts record nothing. Allocation-free: a timestamp and a lock on the model's existing entry.
/// </summary>
public sealed partial class AttemptRunner
{
    private void RecordFirstToken(ResolvedModel candidate, long sentAt) =>
        observed?.Record(candidate.CanonicalName, time.GetElapsedTime(sentAt));
}

using System.Diagnostics;
using Switchyard.Core.Catalog;
using Switchyard.Core.Pipeline;
using Switchyard.Core.Telemetry;

namespace Switchyard.Core.Resilience;

// The access log's view of dispatch (docs/observability.md, "Access log"): each attempt or skipped candidate, and
// the model whose answer was committed. A struct per attempt; the first one lives inline in the record.
public sealed partial class AttemptRunner
{
    private static void Note(GatewayRequest request, ResolvedModel candidate, AttemptKind kind, AttemptFailure? failure)
    {
        var (outcome, status) = kind switch
        {
            AttemptKind.Committed => ("ok", request.HttpContext.Response.StatusCode),
            AttemptKind.ClientGone => ("client_gone", 0),
            AttemptKind.Skipped => ("skipped", failure?.Status ?? 0),
            _ => ("failed", failure?.Status ?? 0),
        };
        request.Record.AddAttempt(new AttemptRecord(candidate.CanonicalName, RequestRecord.EndpointOf(candidate), outcome, status, failure?.Code));
    }

    private static void Committing(GatewayRequest request, ResolvedModel candidate)
    {
        request.Record.Served = candidate;
        request.Record.FirstByte = Stopwatch.GetTimestamp();
    }
}

using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Switchyard.Core.Configuration;
using Switchyard.Core.Pipeline;
using Switchyard.Core.Telemetry;
using Switchyard.Core.Tests.Configuration;

namespace Switchyard.Core.Tests.Pipeline;

/// <summary>
/// What the record (access log, admin page) says when the request's handler ends with an exception: what the client
/// gets from the last-resort handler after it, not the status the response held when it threw.
/// </summary>
public sealed class RecordStageTests
{
    private static readonly RuntimeSnapshot Snapshot = RuntimeSnapshot.Build(ConfigTestSupport.LoadValid("""
        version: v0.4.0
        listeners:
          - {name: llm, type: model, address: 127.0.0.1, port: 12000}
        model_providers:
          - model: mock/echo
        """), 1);

    private static RequestRecord Finish(HttpContext context, bool threw)
    {
        var history = new RequestHistory();
        var record = new RequestRecord { RequestedModel = "mock/echo" };
        RecordStage.Finish(context, ClientProtocol.OpenAIChat, null, record, null, Snapshot, NullLogger.Instance, history, threw);
        Assert.Equal(1, history.Latest);
        return record;
    }

    [Fact]
    public void Threw_BeforeTheAnswerStarted_Recorded500WithTheModelAskedFor()
    {
        var record = Finish(new DefaultHttpContext(), threw: true); // the response still holds its default 200

        Assert.Equal(500, record.Status);
        Assert.Null(record.Cut);
        Assert.Equal("mock/echo", record.RequestedModel);
    }

    [Fact]
    public void Threw_AfterTheAnswerStarted_RecordedAsCutWithTheSentStatus()
    {
        var context = new DefaultHttpContext();
        context.Features.Set<Microsoft.AspNetCore.Http.Features.IHttpResponseFeature>(new StartedResponse());

        var record = Finish(context, threw: true);

        Assert.Equal(200, record.Status);
        Assert.Equal("InternalError", record.Cut);
    }

    [Fact]
    public void Threw_AfterTheClientLeft_Recorded499()
    {
        using var aborted = new CancellationTokenSource();
        aborted.Cancel();
        var context = new DefaultHttpContext { RequestAborted = aborted.Token };

        Assert.Equal(499, Finish(context, threw: true).Status);
    }

    [Fact]
    public void Ended_Normally_RecordedWithTheResponsesStatus()
    {
        var context = new DefaultHttpContext();
        context.Response.StatusCode = 429;

        var record = Finish(context, threw: false);

        Assert.Equal(429, record.Status);
        Assert.Null(record.Cut);
    }

    private sealed class StartedResponse : Microsoft.AspNetCore.Http.Features.HttpResponseFeature
    {
        public override bool HasStarted => true;
    }
}

using Switchyard.Core.Resilience;

namespace Switchyard.Core.Tests.Resilience;

/// <summary>One test per row of the failure table in docs/failures.md.</summary>
public class FailureTableTests
{
    private const CredentialOwner Gw = CredentialOwner.Gateway;
    private const CredentialOwner Client = CredentialOwner.Client;
    private const CommitPhase Before = CommitPhase.BeforeCommit;

    [Theory]
    [InlineData(FailureCause.ConnectFailure, FailureAction.RetrySame)]
    [InlineData(FailureCause.TransportFailure, FailureAction.RetrySame)]
    [InlineData(FailureCause.Timeout, FailureAction.FailOver)]
    [InlineData(FailureCause.EmptyAnswer, FailureAction.RetrySame)]
    [InlineData(FailureCause.InvalidAnswer, FailureAction.FailOver)]
    public void Decide_TransportAndAnswerCausesBeforeCommit_FollowTheTable(FailureCause cause, FailureAction expected)
    {
        Assert.Equal(expected, FailureTable.Decide(cause, 0, Gw, Before));
        Assert.Equal(expected, FailureTable.Decide(cause, 0, Client, Before));
    }

    [Theory]
    [InlineData(408, FailureAction.RetrySame)]
    [InlineData(429, FailureAction.RetrySame)]
    [InlineData(500, FailureAction.RetrySame)]
    [InlineData(502, FailureAction.RetrySame)]
    [InlineData(503, FailureAction.RetrySame)]
    [InlineData(504, FailureAction.RetrySame)]
    [InlineData(529, FailureAction.RetrySame)]
    [InlineData(501, FailureAction.FailOver)]
    [InlineData(505, FailureAction.FailOver)]
    [InlineData(400, FailureAction.Final)]
    [InlineData(404, FailureAction.Final)]
    [InlineData(409, FailureAction.Final)]
    [InlineData(413, FailureAction.Final)]
    [InlineData(422, FailureAction.Final)]
    public void Decide_StatusBeforeCommit_SameForEitherCredential(int status, FailureAction expected)
    {
        Assert.Equal(expected, FailureTable.Decide(FailureCause.Status, status, Gw, Before));
        Assert.Equal(expected, FailureTable.Decide(FailureCause.Status, status, Client, Before));
    }

    [Theory]
    [InlineData(401)]
    [InlineData(403)]
    public void Decide_AuthRefusedOnTheGatewaysKey_FailsOver(int status)
        => Assert.Equal(FailureAction.FailOver, FailureTable.Decide(FailureCause.Status, status, Gw, Before));

    [Theory]
    [InlineData(401)]
    [InlineData(403)]
    public void Decide_AuthRefusedOnTheClientsKey_IsFinal(int status)
        => Assert.Equal(FailureAction.Final, FailureTable.Decide(FailureCause.Status, status, Client, Before));

    [Theory]
    [InlineData(FailureCause.Status, 503)]
    [InlineData(FailureCause.Status, 429)]
    [InlineData(FailureCause.ConnectFailure, 0)]
    [InlineData(FailureCause.TransportFailure, 0)]
    [InlineData(FailureCause.Timeout, 0)]
    [InlineData(FailureCause.InvalidAnswer, 0)]
    public void Decide_AnythingAfterCommit_IsFinal(FailureCause cause, int status)
    {
        Assert.Equal(FailureAction.Final, FailureTable.Decide(cause, status, Gw, CommitPhase.AfterCommit));
        Assert.Equal(FailureAction.Final, FailureTable.Decide(cause, status, Client, CommitPhase.AfterCommit));
    }

    [Theory]
    [InlineData(FailureCause.Status, 500, CredentialOwner.Gateway, true)]
    [InlineData(FailureCause.Status, 429, CredentialOwner.Gateway, true)]
    [InlineData(FailureCause.Status, 401, CredentialOwner.Gateway, true)]
    [InlineData(FailureCause.Status, 401, CredentialOwner.Client, false)]
    [InlineData(FailureCause.Status, 400, CredentialOwner.Gateway, false)]
    [InlineData(FailureCause.Status, 404, CredentialOwner.Gateway, false)]
    [InlineData(FailureCause.Timeout, 0, CredentialOwner.Gateway, true)]
    [InlineData(FailureCause.ConnectFailure, 0, CredentialOwner.Client, true)]
    public void IsUpstreamFault_OnlyUpstreamFaultsCountAgainstTheEndpoint(FailureCause cause, int status, CredentialOwner owner, bool expected)
        => Assert.Equal(expected, FailureTable.IsUpstreamFault(cause, status, owner));
}

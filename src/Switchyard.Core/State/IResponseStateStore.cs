using Switchyard.Core.Ir;

namespace Switchyard.Core.State;

/// <summary>
/// Conversation state behind the Responses API's <c>previous_response_id</c> when the upstream does not keep it
/// (every non-Responses upstream): the gateway stores each answered conversation under the response id it handed
/// out and prepends it to a later request that names that id. Implementations must be thread-safe; lookups are
/// synchronous because request decoding is.
/// </summary>
public interface IResponseStateStore
{
    /// <summary>The conversation stored under <paramref name="id"/>; false when unknown or expired.</summary>
    bool TryGet(string id, out StoredConversation? conversation);

    /// <summary>Stores (or replaces) the conversation under <paramref name="id"/>.</summary>
    void Put(string id, StoredConversation conversation);
}

/// <summary>
/// One stored conversation: the system/developer parts that came from input items (request <c>instructions</c> are
/// excluded — OpenAI does not carry them over to the next response) and every turn in order, ending with the
/// assistant's answer as one <see cref="IrMessage"/>. Immutable once stored; parts are shared, never copied.
/// </summary>
public sealed record StoredConversation(IReadOnlyList<IrTextPart> System, IReadOnlyList<IrMessage> Messages);

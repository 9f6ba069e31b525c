using System.Buffers;
using System.Text.Json;
using Switchyard.Core.Ir;
using Switchyard.Core.State;

namespace Switchyard.Core.Translation.Client.OpenAIResponses;

/// <summary>A complete IR answer → a Response object; the conversation is stored under its id unless <c>store: false</c>.</summary>
internal static class ResponsesResponseEncoder
{
    public static byte[] Encode(IrResponse response, string clientModel, ResponsesRequestInfo info, IReadOnlyList<IrMessage>? requestMessages, IResponseStateStore store, TimeProvider time)
    {
        var id = ResponsesIds.NewResponseId();
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        var items = ItemsOf(response.Content, id);
        var (status, incompleteReason) = ResponsesJson.StatusOf(response.FinishReason);
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var w = new Utf8JsonWriter(buffer, ResponsesJson.WriterOptions))
        {
            ResponsesJson.WriteResponse(w, new ResponsesEnvelope(id, now, clientModel, info), status, items, response.Usage, incompleteReason, completedAt: status == "completed" ? now : null);
        }

        Remember(store, id, info, requestMessages, items);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The output items for IR content: thinking and redacted thinking → reasoning, text → message, tool call → function_call.</summary>
    internal static List<ResponsesOutputItem> ItemsOf(IReadOnlyList<IrPart> content, string responseId)
    {
        var items = new List<ResponsesOutputItem>(content.Count);
        foreach (var part in content)
        {
            var index = items.Count;
            ResponsesOutputItem? item = part switch
            {
                IrTextPart => new ResponsesOutputItem(ResponsesItemKind.Message, ResponsesIds.ItemId(responseId, ResponsesItemKind.Message, index)) { OutputIndex = index },
                IrToolCallPart call => new ResponsesOutputItem(ResponsesItemKind.FunctionCall, ResponsesIds.ItemId(responseId, ResponsesItemKind.FunctionCall, index)) { OutputIndex = index, CallId = call.Id, Name = call.Name },
                IrThinkingPart thinking => new ResponsesOutputItem(ResponsesItemKind.Reasoning, ResponsesIds.ItemId(responseId, ResponsesItemKind.Reasoning, index)) { OutputIndex = index, HasSummary = true, EncryptedContent = thinking.Signature },
                IrRedactedThinkingPart redacted => new ResponsesOutputItem(ResponsesItemKind.Reasoning, ResponsesIds.ItemId(responseId, ResponsesItemKind.Reasoning, index)) { OutputIndex = index, EncryptedContent = redacted.Data },
                // Images or unknown parts in an answer have no Responses output item a non-Responses upstream could fill.
                _ => null,
            };
            if (item is null)
            {
                continue;
            }

            item.Text.Append(part switch
            {
                IrTextPart text => text.Text,
                IrToolCallPart call => call.ArgumentsJson,
                IrThinkingPart thinking => thinking.Text,
                _ => "",
            });
            item.Done = true;
            items.Add(item);
        }

        return items;
    }

    /// <summary>
    /// Stores the conversation (the request's turns, previous ones included, plus this answer) under
    /// <paramref name="responseId"/>, so a later request can continue it by <c>previous_response_id</c>.
    /// </summary>
    internal static void Remember(IResponseStateStore store, string responseId, ResponsesRequestInfo info, IReadOnlyList<IrMessage>? requestMessages, IReadOnlyList<ResponsesOutputItem> items)
    {
        if (!info.Store || requestMessages is null)
        {
            return;
        }

        var messages = new List<IrMessage>(requestMessages.Count + 1);
        messages.AddRange(requestMessages);
        if (items.Count > 0)
        {
            var parts = new IrPart[items.Count];
            for (var i = 0; i < items.Count; i++)
            {
                parts[i] = items[i].ToIrPart();
            }

            messages.Add(new IrMessage(IrRole.Assistant, parts));
        }

        store.Put(responseId, new StoredConversation(info.ConversationSystem, messages));
    }
}

using System.Runtime.CompilerServices;
using Switchyard.Core.Ir;
using Switchyard.Core.Pipeline;
using Switchyard.Core.State;

namespace Switchyard.Core.Translation.Client.OpenAIResponses;

/// <summary>
/// The OpenAI Responses API as a client protocol over a non-Responses upstream. Conversation state for
/// <c>previous_response_id</c> is the gateway's own, kept in the <see cref="IResponseStateStore"/> given here.
/// </summary>
/// <remarks>
/// A Response echoes its request (instructions, tools, tool_choice, text format, store…) and the conversation is
/// stored together with the request's turns, so the encoders need the decoded request: call the
/// <see cref="IRequestAwareClientCodec"/> members with the <see cref="IrRequest"/> returned by
/// <see cref="TryDecodeRequest"/>. The <see cref="IClientCodec"/> members without it still write a valid Response,
/// with default echo fields, and store nothing.
/// </remarks>
public sealed class OpenAIResponsesClientCodec : IRequestAwareClientCodec
{
    // What the Response echoes lives beside the IR request, keyed by the instance decoding returned; it goes away
    // with that request.
    private readonly ConditionalWeakTable<IrRequest, ResponsesRequestInfo> _infos = new();
    private readonly TimeProvider _time;

    /// <summary>Creates a codec over <paramref name="store"/>; <paramref name="time"/> stamps <c>created_at</c>.</summary>
    public OpenAIResponsesClientCodec(IResponseStateStore store, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        Store = store;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>A codec over the process-wide in-memory store (<see cref="InMemoryResponseStateStore.Shared"/>).</summary>
    public static OpenAIResponsesClientCodec Default { get; } = new(InMemoryResponseStateStore.Shared);

    /// <summary>Where conversations are kept.</summary>
    public IResponseStateStore Store { get; }

    /// <inheritdoc />
    public ClientProtocol Protocol => ClientProtocol.OpenAIResponses;

    /// <inheritdoc />
    public IClientErrorEncoder Errors => ResponsesErrorEncoder.Instance;

    /// <inheritdoc />
    /// <remarks>An unknown <c>previous_response_id</c> fails with a 409, as in Plano (<c>previous_response_not_found</c>).</remarks>
    public bool TryDecodeRequest(ReadOnlyMemory<byte> body, out IrRequest? request, out IrError? error)
    {
        if (!ResponsesRequestDecoder.TryDecode(body, Store, out request, out var info, out error))
        {
            return false;
        }

        _infos.AddOrUpdate(request!, info!);
        return true;
    }

    /// <inheritdoc />
    public byte[] EncodeResponse(IrResponse response, string clientModel) =>
        ResponsesResponseEncoder.Encode(response, clientModel, ResponsesRequestInfo.Default, null, Store, _time);

    /// <inheritdoc />
    /// <remarks>Stores the conversation unless the request said <c>store: false</c>.</remarks>
    public byte[] EncodeResponse(IrRequest request, IrResponse response, string clientModel)
    {
        ArgumentNullException.ThrowIfNull(request);
        return ResponsesResponseEncoder.Encode(response, clientModel, InfoOf(request), request.Messages, Store, _time);
    }

    /// <inheritdoc />
    /// <remarks>Responses streams always end with usage, so <paramref name="includeUsage"/> changes nothing.</remarks>
    public IClientStreamEncoder CreateStreamEncoder(string clientModel, bool includeUsage) =>
        new ResponsesStreamEncoder(NewEnvelope(clientModel, ResponsesRequestInfo.Default), null, Store, _time);

    /// <inheritdoc />
    /// <remarks>The conversation is stored when the stream completes (not when it fails), unless <c>store: false</c>.</remarks>
    public IClientStreamEncoder CreateStreamEncoder(IrRequest request, string clientModel)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new ResponsesStreamEncoder(NewEnvelope(clientModel, InfoOf(request)), request.Messages, Store, _time);
    }

    private ResponsesRequestInfo InfoOf(IrRequest request) =>
        _infos.TryGetValue(request, out var info) ? info : ResponsesRequestInfo.Default;

    private ResponsesEnvelope NewEnvelope(string clientModel, ResponsesRequestInfo info) =>
        new(ResponsesIds.NewResponseId(), _time.GetUtcNow().ToUnixTimeSeconds(), clientModel, info);
}

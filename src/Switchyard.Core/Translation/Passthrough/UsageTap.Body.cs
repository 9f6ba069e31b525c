using System.Text.Json;
using Switchyard.Core.Providers;

namespace Switchyard.Core.Translation.Passthrough;

/// <summary>Non-streamed bodies: usage read from a JSON answer, whole or chunk by chunk.</summary>
public sealed partial class UsageTap
{
    /// <summary>
    /// Reads the next chunk of a non-streamed JSON body, as it is relayed. Chunks may split anywhere (inside a
    /// token, inside a UTF-8 character); the caller may reuse the chunk's memory as soon as this returns.
    /// </summary>
    public void OnBodyChunk(ReadOnlySpan<byte> chunk)
    {
        _body ??= new JsonBodyUsageScanner(this);
        _body.Feed(chunk);
    }

    /// <summary>
    /// Reads a whole non-streamed body held in one buffer (the common case: the first read brought all of it). The
    /// top-level usage member is found from the end, where answers put it (<see cref="TopLevelMember.TryFindFromEnd"/>:
    /// only the bytes after it are scanned), else by a structural scan from the start that skips everything else
    /// without tokenising it (<see cref="TopLevelMember.TryFind"/>); an unusual body (array root, malformed, or the model wanted) goes through the
    /// incremental reader instead. <see cref="Usage"/> is final after this.
    /// </summary>
    public void OnCompleteBody(ReadOnlySpan<byte> body)
    {
        // The usage object is read while its end is found (UsageObjectScanner); one it declines is read again below.
        var scanner = new UsageObjectScanner(_protocol);
        if (!HasModelMember && (TopLevelMember.TryFindFromEnd(body, UsageMember, ref scanner, out var usage) || TopLevelMember.TryFind(body, UsageMember, ref scanner, out usage)))
        {
            if (!usage.IsEmpty && usage[0] == (byte)'{')
            {
                if (scanner.Parsed)
                {
                    ApplyScannedUsage(scanner);
                }
                else
                {
                    ApplyBodyUsage(usage);
                }
            }

            return;
        }

        OnBodyChunk(body);
        OnBodyEnd();
    }

    /// <summary>Ends a non-streamed body: releases the carry buffer. <see cref="Usage"/> is final after this.</summary>
    public void OnBodyEnd() => _body?.Finish();

    /// <summary>Applies one complete top-level usage object of a non-streamed body.</summary>
    internal void ApplyBodyUsage(ReadOnlySpan<byte> usageObject)
    {
        var reader = new Utf8JsonReader(usageObject);
        reader.Read();
        switch (_protocol)
        {
            case UpstreamProtocol.AnthropicMessages:
                UsageObjectReader.ReadAnthropic(ref reader, ref _anthropic);
                _changed = true;
                break;
            case UpstreamProtocol.OpenAIResponses:
                Merge(UsageObjectReader.ReadResponses(ref reader));
                break;
            case UpstreamProtocol.Gemini:
                Merge(UsageObjectReader.ReadGemini(ref reader));
                break;
            case UpstreamProtocol.BedrockConverse:
                Merge(UsageObjectReader.ReadBedrock(ref reader));
                break;
            default:
                Merge(UsageObjectReader.ReadChat(ref reader));
                break;
        }
    }

    /// <summary>Applies a usage object <see cref="UsageObjectScanner"/> read: what <see cref="ApplyBodyUsage"/> does for the same bytes.</summary>
    internal void ApplyScannedUsage(in UsageObjectScanner s)
    {
        switch (_protocol)
        {
            case UpstreamProtocol.AnthropicMessages:
                MergeAnthropic(new AnthropicUsageFields { Input = s[0], Output = s[1], CacheRead = s[2], CacheCreation = s[3] });
                break;
            case UpstreamProtocol.OpenAIResponses:
                Merge(new UsageReport { Input = s[0], Output = s[1], Cached = s[2], CacheWrite = s[3], Reasoning = s[4] });
                break;
            case UpstreamProtocol.Gemini:
                Merge(UsageObjectReader.GeminiReport(s[0], s[1], s[2], s[3], s[4]));
                break;
            case UpstreamProtocol.BedrockConverse:
                Merge(UsageObjectReader.BedrockReport(s[0], s[1], s[2], s[3]));
                break;
            default:
                Merge(UsageObjectReader.ChatReport(s[0], s[1], s[2], s[3], s[4], s[5]));
                break;
        }
    }
}

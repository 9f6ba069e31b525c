using System.Text.Json;
using Switchyard.Core.Ir;

namespace Switchyard.Core.Tests.Translation.BedrockConverse;

/// <summary>
/// Test-only reading of a recorded Converse request into the IR a client decoder would produce for the same
/// conversation, so the encoder can be checked against what a real client sent. A user turn holding only tool
/// results becomes a <c>tool</c> message, as OpenAI-style clients send them.
/// </summary>
internal static class ConverseRequestToIr
{
    public static IrRequest Read(JsonElement body)
    {
        var ir = new IrRequest();
        if (body.TryGetProperty("system", out var system))
        {
            foreach (var s in system.EnumerateArray())
            {
                ir.System.Add(new IrTextPart(s.GetProperty("text").GetString()!));
            }
        }

        foreach (var message in body.GetProperty("messages").EnumerateArray())
        {
            var parts = message.GetProperty("content").EnumerateArray().Select(Part).ToList();
            var role = message.GetProperty("role").GetString() == "assistant" ? IrRole.Assistant
                : parts.All(p => p is IrToolResultPart) ? IrRole.Tool
                : IrRole.User;
            ir.Messages.Add(new IrMessage(role, parts));
        }

        if (body.TryGetProperty("inferenceConfig", out var config))
        {
            ir.MaxTokens = config.TryGetProperty("maxTokens", out var m) ? m.GetInt32() : null;
            ir.Temperature = config.TryGetProperty("temperature", out var t) ? t.GetDouble() : null;
            ir.TopP = config.TryGetProperty("topP", out var p) ? p.GetDouble() : null;
        }

        if (body.TryGetProperty("toolConfig", out var tools))
        {
            foreach (var tool in tools.GetProperty("tools").EnumerateArray())
            {
                var spec = tool.GetProperty("toolSpec");
                ir.Tools.Add(new IrTool(
                    spec.GetProperty("name").GetString()!,
                    spec.TryGetProperty("description", out var d) ? d.GetString() : null,
                    spec.GetProperty("inputSchema").GetProperty("json").Clone()));
            }

            if (tools.TryGetProperty("toolChoice", out var choice))
            {
                ir.ToolChoice = choice.TryGetProperty("any", out _) ? IrToolChoice.Required
                    : choice.TryGetProperty("tool", out var named) ? new IrToolChoice(IrToolChoiceKind.Named, named.GetProperty("name").GetString())
                    : IrToolChoice.Auto;
            }
        }

        if (body.TryGetProperty("additionalModelRequestFields", out var extra) && extra.TryGetProperty("thinking", out var thinking))
        {
            ir.Reasoning = new IrReasoning { BudgetTokens = thinking.GetProperty("budget_tokens").GetInt32() };
        }

        return ir;
    }

    private static IrPart Part(JsonElement block)
    {
        if (block.TryGetProperty("text", out var text))
        {
            return new IrTextPart(text.GetString()!);
        }

        if (block.TryGetProperty("toolUse", out var use))
        {
            return new IrToolCallPart(use.GetProperty("toolUseId").GetString()!, use.GetProperty("name").GetString()!, use.GetProperty("input").GetRawText());
        }

        if (block.TryGetProperty("toolResult", out var result))
        {
            var content = result.GetProperty("content").EnumerateArray().Select(c => (IrPart)new IrTextPart(c.GetProperty("text").GetString()!)).ToList();
            return new IrToolResultPart(result.GetProperty("toolUseId").GetString()!, content) { IsError = result.GetProperty("status").GetString() == "error" };
        }

        var reasoning = block.GetProperty("reasoningContent").GetProperty("reasoningText");
        return new IrThinkingPart(reasoning.GetProperty("text").GetString()!)
        {
            Signature = reasoning.TryGetProperty("signature", out var sig) ? sig.GetString() : null,
        };
    }
}

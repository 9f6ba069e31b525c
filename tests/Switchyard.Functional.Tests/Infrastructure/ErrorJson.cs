using System.Text.Json;

namespace Switchyard.Functional.Tests.Infrastructure;

/// <summary>An OpenAI error object (<c>{"error":{"message","type","param","code"}}</c>) as a client SDK reads it.</summary>
internal sealed record ErrorJson(string Message, string Type, string? Code)
{
    public static async Task<ErrorJson> ReadAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return Parse(await response.Content.ReadAsStringAsync());
    }

    /// <summary>Parses the body; fails the test unless it has the OpenAI error shape.</summary>
    public static ErrorJson Parse(string json)
    {
        using var doc = JsonDocument.Parse(json);
        Assert.True(doc.RootElement.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object, "not an OpenAI error object: " + json);
        Assert.True(error.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.String, "error.message missing: " + json);
        Assert.True(error.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String, "error.type missing: " + json);
        var code = error.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
        return new ErrorJson(message.GetString()!, type.GetString()!, code);
    }
}

namespace Switchyard.Core.Configuration;

/// <summary>The time unit of a Plano <c>ratelimits</c> limit.</summary>
public enum RateLimitUnit { Second, Minute, Hour, Day }

/// <summary>
/// One Plano <c>ratelimits</c> rule: requests to <see cref="Model"/> that carry the header <see cref="SelectorKey"/>
/// may use <see cref="Tokens"/> input tokens per <see cref="Unit"/>. <see cref="SelectorValue"/> <c>"*"</c> gives
/// every distinct header value its own bucket (e.g. one per user); any other value limits the requests carrying
/// exactly that value, together.
/// </summary>
/// <param name="Model">A model entry's name, its <c>provider/model</c>, or its bare model id (Plano keys on the model id).</param>
/// <param name="SelectorKey">The request header that selects the bucket, lower-cased (header names are case-insensitive).</param>
/// <param name="SelectorValue">The header value this rule limits, or <c>"*"</c> for one bucket per value.</param>
public sealed record RateLimitRuleConfig(string Model, string SelectorKey, string SelectorValue, long Tokens, RateLimitUnit Unit)
{
    /// <summary>The selector value that gives each header value its own bucket.</summary>
    public const string AnyValue = "*";

    public int Line { get; init; }

    public bool PerValue => SelectorValue == AnyValue;

    public TimeSpan Period => Unit switch
    {
        RateLimitUnit.Second => TimeSpan.FromSeconds(1),
        RateLimitUnit.Minute => TimeSpan.FromMinutes(1),
        RateLimitUnit.Hour => TimeSpan.FromHours(1),
        _ => TimeSpan.FromDays(1),
    };

    /// <summary>The unit as written in config.</summary>
    public string UnitName => Unit switch
    {
        RateLimitUnit.Second => "second",
        RateLimitUnit.Minute => "minute",
        RateLimitUnit.Hour => "hour",
        _ => "day",
    };
}

using System.Globalization;
using System.Net.Http.Headers;

namespace Switchyard.Core.Resilience;

/// <summary>
/// Delay before retrying the same candidate: the upstream's <c>Retry-After</c> when it gives one (up to
/// <see cref="MaxRetryAfter"/> — a longer wait means "go elsewhere", so the runner fails over instead), otherwise
/// capped exponential backoff with full jitter.
/// </summary>
public sealed class RetryPolicy(TimeProvider time, Func<double> random)
{
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromMilliseconds(100);
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(2);
    public TimeSpan MaxRetryAfter { get; init; } = TimeSpan.FromSeconds(5);

    public static RetryPolicy Default { get; } = new(TimeProvider.System, Random.Shared.NextDouble);

    /// <summary>The delay before retry number <paramref name="retry"/> (0-based), or null to fail over now.</summary>
    public TimeSpan? NextDelay(int retry, TimeSpan? retryAfter)
    {
        if (retryAfter is { } ra)
        {
            return ra <= MaxRetryAfter ? ra : null;
        }

        var exp = BaseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(retry, 16));
        var capped = Math.Min(exp, MaxDelay.TotalMilliseconds);
        // Full jitter spreads retries of many clients hitting the same failing upstream.
        return TimeSpan.FromMilliseconds(capped * (0.5 + (random() * 0.5)));
    }

    /// <summary>Reads <c>Retry-After</c> (delta seconds or an HTTP date) from a response.</summary>
    public TimeSpan? ParseRetryAfter(HttpResponseHeaders headers)
    {
        var value = headers.RetryAfter;
        if (value is null)
        {
            // Some vendors (OpenAI) also send retry-after-ms.
            if (headers.TryGetValues("retry-after-ms", out var ms)
                && double.TryParse(ms.FirstOrDefault(), NumberStyles.Float, CultureInfo.InvariantCulture, out var millis) && millis >= 0)
            {
                return TimeSpan.FromMilliseconds(millis);
            }

            return null;
        }

        if (value.Delta is { } delta)
        {
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        }

        if (value.Date is { } date)
        {
            var wait = date - time.GetUtcNow();
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }

        return null;
    }
}

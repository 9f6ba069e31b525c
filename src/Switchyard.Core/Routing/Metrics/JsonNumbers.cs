using System.Globalization;
using System.Text.Json;

namespace Switchyard.Core.Routing.Metrics;

/// <summary>Lenient numeric reads shared by the metrics parsers: sources publish numbers or numeric strings.</summary>
internal static class JsonNumbers
{
    public static bool TryRead(JsonElement element, out double value)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Number:
                return element.TryGetDouble(out value) && double.IsFinite(value);
            case JsonValueKind.String:
                return double.TryParse(element.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out value)
                    && double.IsFinite(value);
            default:
                value = 0;
                return false;
        }
    }

    public static bool TryReadProperty(JsonElement obj, string name, out double value)
    {
        if (obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var element))
        {
            return TryRead(element, out value);
        }

        value = 0;
        return false;
    }
}

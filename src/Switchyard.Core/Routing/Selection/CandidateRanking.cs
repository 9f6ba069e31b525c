namespace Switchyard.Core.Routing.Selection;

/// <summary>
/// Looks up the figure a policy ranks by for one model: USD per million tokens (input+output) for
/// <see cref="SelectionPolicy.Cheapest"/>, seconds for <see cref="SelectionPolicy.Fastest"/>.
/// Returns false when the source has no data for the model.
/// </summary>
public delegate bool FigureLookup(string model, out double figure);

/// <summary>
/// One candidate in ranked order with the figure it was ranked by; <see cref="Figure"/> is null when the
/// source had no usable data (such candidates sort last, in declared order).
/// </summary>
/// <param name="Model">The configured model name.</param>
/// <param name="Figure">USD per million tokens (cheapest) or seconds (fastest); null when unknown.</param>
/// <param name="DeclaredIndex">The model's position in the route's declared list.</param>
public readonly record struct RankedCandidate(string Model, double? Figure, int DeclaredIndex);

/// <summary>
/// The outcome of ranking a route's candidates: the dispatch order and, for the explain feature, the figures used.
/// </summary>
/// <param name="Policy">The policy applied.</param>
/// <param name="Candidates">Candidates in dispatch order with their figures.</param>
public sealed record CandidateRanking(SelectionPolicy Policy, IReadOnlyList<RankedCandidate> Candidates)
{
    /// <summary>The model names in dispatch order (first primary, the rest fallbacks).</summary>
    public IReadOnlyList<string> Models
    {
        get
        {
            var models = new string[Candidates.Count];
            for (var i = 0; i < models.Length; i++)
            {
                models[i] = Candidates[i].Model;
            }

            return models;
        }
    }
}

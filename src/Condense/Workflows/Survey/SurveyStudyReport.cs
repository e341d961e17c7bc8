using Condense.Pruning;

namespace Condense.Workflows.Survey;

/// <summary>What <c>condense study skeleton|scratch|agp|vd</c> reports and <c>condense bench all</c> judges. Serialized snake_case.</summary>
/// <param name="Result">The study's dense baseline, points and findings.</param>
/// <param name="Json">Where the command writes this report (&lt;folder&gt;/&lt;study&gt;.json).</param>
/// <param name="Models">The model files written, one per point (files <c>condense eval</c> reads).</param>
public sealed record SurveyStudyReport(SurveyStudyResult Result, string Json, IReadOnlyList<string> Models);

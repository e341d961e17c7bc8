using Condense.Quantization;

namespace Condense.Codecs;

/// <summary>
/// How k-means found a codebook: the solver (the worst case over groups: Lloyd &lt; histogram &lt;
/// exact) and Σ (w − c)² as k-means itself computed it. Kept beside the codec-independent
/// <see cref="TensorError"/> because model files and reports name the solver and quote its SSE.
/// </summary>
public sealed record KMeansFit(KMeansMethod Method, double Sse);

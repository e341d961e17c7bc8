using Condense.Metrics;
using Condense.Quantization;
using Condense.Studio.Hosting;
using Microsoft.AspNetCore.Builder;

namespace Condense.Studio.Pages;

/// <summary>
/// Page 3 (Sharing weights): a seeded synthetic matrix from <see cref="WeightGenerator"/>, shared
/// by <see cref="WeightSharingQuantizer"/> (k-means) and by <see cref="LinearQuantizer"/> at the
/// slider's bits, with <see cref="LayerMetrics"/> for both: ‖W−Q‖₁/‖W‖₁, cond₁(W), the bound,
/// the measured output error over sample inputs, and the histograms' KL divergence.
/// </summary>
internal static class WeightsPage
{
    /// <summary>Rows and columns of the matrix: square so cond₁ uses a true inverse; 64² cells fit a heatmap.</summary>
    public const int Size = 64;

    /// <summary>Sample inputs x for the measured output error (N(0, 1) entries, seeded).</summary>
    public const int Probes = 256;

    public sealed record Method(string Name, int Bits, float[] Q, int Distinct, double RelativeError, double Bound,
        double OutputError, double OutputErrorMean, double Kl, double MeanAbsError);

    public sealed record Answer(string Distribution, int Bits, int Rows, int Cols, float[] W, double Cond1, int Probes,
        Method Kmeans, Method Linear);

    public static IReadOnlyList<string> Distributions { get; } =
        Enum.GetValues<WeightDistribution>().Select(d => d.ToString().ToLowerInvariant()).ToList();

    public static void Map(WebApplication app)
    {
        app.MapGet("/api/weights/distributions", () => Distributions);
        app.MapGet("/api/weights", (string distribution, int bits, ResultCache cache, StudioOptions options) =>
            Compute(distribution, bits, cache, options));
        app.MapGet("/api/weights/progress", (WeightsAhead ahead) => new { done = ahead.Done, total = WeightsAhead.Total });
    }


    /// <summary>
    /// The linear precision that fits in <paramref name="bits"/>: the library offers binary (1),
    /// ternary (3 levels, in 2 bits), int4 and int8, so 3 bits get ternary and 5–7 get int4.
    /// </summary>
    public static LinearPrecision LinearPrecisionFor(int bits) => bits switch
    {
        1 => LinearPrecision.Binary,
        2 or 3 => LinearPrecision.Ternary,
        < 8 => LinearPrecision.Int4,
        _ => LinearPrecision.Int8,
    };

    internal static Answer Compute(string distribution, int bits, ResultCache cache, StudioOptions options)
    {
        if (!Enum.TryParse<WeightDistribution>(distribution, ignoreCase: true, out var kind) || !Enum.IsDefined(kind))
            throw new CondenseException($"no distribution '{distribution}'; there are: {string.Join(", ", Distributions)}");
        if (bits is < 1 or > 8) throw new CondenseException($"bits must be in 1…8, got {bits}");
        var (w, cond1, inputs) = cache.GetOrCompute($"weights/w/{kind}", () =>
        {
            var matrix = WeightGenerator.Generate(new WeightGeneratorOptions(kind, Size, Size, seed: options.Seed));
            var x = WeightGenerator.StandardNormal(Probes * Size, options.Seed + 1).Select(v => (float)v).ToArray();
            return Tuple.Create(matrix, ConditionNumber.OneNorm(matrix, Size, Size), x);
        });
        return cache.GetOrCompute($"weights/{kind}/{bits}", () =>
        {
            long[] shape = [Size, Size];
            var shared = new WeightSharingQuantizer(new WeightSharingOptions(bits) { Seed = options.Seed }).Quantize(w, shape);
            var precision = LinearPrecisionFor(bits);
            var linear = new LinearQuantizer(new LinearQuantizationOptions(precision)).Quantize(w, shape);
            return new Answer(kind.ToString().ToLowerInvariant(), bits, Size, Size, w, cond1, Probes,
                Describe($"k-means, {bits} bits", bits, w, shared.Reconstruct(), cond1, inputs),
                Describe($"linear {precision.ToString().ToLowerInvariant()}", linear.Bits, w, linear.Reconstruct(), cond1, inputs));
        });
    }

    static Method Describe(string name, int bits, float[] w, float[] q, double cond1, float[] inputs)
    {
        var m = LayerMetrics.Compute(name, w, q, Size, Size, inputs, cond1);
        return new Method(name, bits, q, q.Distinct().Count(), m.RelativeOneNormError, m.Bound, m.MeasuredMax, m.MeasuredMean, m.HistogramKl, m.MeanAbsError);
    }
}

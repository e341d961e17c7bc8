using System.Numerics;

namespace Condense.Imaging;

/// <summary>A distance on RGB differences, scalar and across the lanes of a vector; a type parameter, so the search inlines it.</summary>
internal interface IColorMetric
{
    /// <summary>The search's distance, lane by lane.</summary>
    static abstract Vector<float> Distance(Vector<float> dx, Vector<float> dy, Vector<float> dz);

    /// <summary>The search's distance (for Euclidean, its square).</summary>
    static abstract float Distance(float dx, float dy, float dz);

    /// <summary>From the value <see cref="Distance(float, float, float)"/> returns to the metric distance the bounds use.</summary>
    static abstract float Finish(float d);
}

/// <summary>Squared Euclidean inside the search (Lloyd's objective); the bounds use its square root.</summary>
internal readonly struct Euclidean : IColorMetric
{
    /// <inheritdoc/>
    public static Vector<float> Distance(Vector<float> dx, Vector<float> dy, Vector<float> dz) => (dx * dx) + (dy * dy) + (dz * dz);

    /// <inheritdoc/>
    public static float Distance(float dx, float dy, float dz) => (dx * dx) + (dy * dy) + (dz * dz);

    /// <inheritdoc/>
    public static float Finish(float d) => MathF.Sqrt(d);
}

/// <summary>The article's error Σ_c |Δ_c| (k-medians' objective).</summary>
internal readonly struct Manhattan : IColorMetric
{
    /// <inheritdoc/>
    public static Vector<float> Distance(Vector<float> dx, Vector<float> dy, Vector<float> dz) => Vector.Abs(dx) + Vector.Abs(dy) + Vector.Abs(dz);

    /// <inheritdoc/>
    public static float Distance(float dx, float dy, float dz) => MathF.Abs(dx) + MathF.Abs(dy) + MathF.Abs(dz);

    /// <inheritdoc/>
    public static float Finish(float d) => d;
}

namespace Condense.Tests.Properties;

/// <summary>
/// Bounded random inputs for the property tests: FsCheck supplies the seed and the size knobs,
/// this turns them into weights with the shapes real layers have (normal bulk, a few outliers,
/// repeated values and exact zeros), so every property sees the cases that break quantizers.
/// </summary>
internal static class PropertyData
{
    /// <summary>A rows × cols tensor (≤ 16 × 64) of mixed-distribution weights.</summary>
    public static float[] Weights(int seed, int rows, int cols)
    {
        var rng = new Random(seed);
        var w = new float[rows * cols];
        int kind = rng.Next(4);
        for (int i = 0; i < w.Length; i++)
        {
            double g = Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
            w[i] = kind switch
            {
                0 => (float)(0.05 * g),                                  // a trained layer's bulk
                1 => rng.Next(10) == 0 ? (float)(3 * g) : (float)(0.01 * g), // heavy tail
                2 => rng.Next(3) == 0 ? 0f : (float)g,                  // pruned: exact zeros
                _ => rng.Next(5) - 2 + 0.25f * rng.Next(3),              // few distinct values
            };
        }
        return w;
    }

    public static int Dim(int knob, int max) => 1 + (int)((uint)knob % (uint)max);

    public static double Sse(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++) { double d = (double)a[i] - b[i]; s += d * d; }
        return s;
    }
}

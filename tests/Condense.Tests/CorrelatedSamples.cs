namespace Condense.Tests;

/// <summary>
/// Seeded layer inputs for the solvers that use XᵀX (GPTQ, SparseGPT): their advantage over
/// rounding or magnitude shows only when the input columns are correlated.
/// </summary>
static class CorrelatedSamples
{
    /// <summary>Standard normal draws (Box–Muller) times <paramref name="scale"/>.</summary>
    public static float[] Gaussian(Random rng, int n, double scale = 1)
    {
        var v = new float[n];
        for (int i = 0; i < n; i++)
            v[i] = (float)(scale * Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble()));
        return v;
    }

    /// <summary>
    /// X (samples × columns, row-major): <paramref name="factors"/> latent factors mixed into every
    /// column, plus noise of <paramref name="noise"/>; with <paramref name="unequalEnergy"/> the
    /// noise of column c is scaled by 1 + c mod 5, so columns also differ in energy.
    /// </summary>
    public static float[] Inputs(Random rng, int samples, int columns, int factors, double noise, bool unequalEnergy = false)
    {
        var latent = Gaussian(rng, samples * factors);
        var mix = Gaussian(rng, factors * columns);
        var noiseValues = Gaussian(rng, samples * columns, noise);
        var x = new float[samples * columns];
        for (int s = 0; s < samples; s++)
            for (int c = 0; c < columns; c++)
            {
                double v = noiseValues[s * columns + c] * (unequalEnergy ? 1 + c % 5 : 1);
                for (int k = 0; k < factors; k++) v += latent[s * factors + k] * mix[k * columns + c];
                x[s * columns + c] = (float)v;
            }
        return x;
    }
}

namespace Condense.Metrics;

/// <summary>
/// Seeded synthetic weight matrices (row-major, rows × columns) for the Studio's playground and
/// the benchmarks. Uses its own generator (xoshiro256** seeded by SplitMix64) so the bytes do
/// not depend on the .NET version.
/// </summary>
public static class WeightGenerator
{
    /// <summary>Seeded synthetic weights of the distribution and shape in <paramref name="o"/>: the same options give the same values, for benchmarks and explanations with no trained model.</summary>
    public static float[] Generate(WeightGeneratorOptions o)
    {
        ArgumentNullException.ThrowIfNull(o);
        var rng = new Rng(o.Seed);
        int r = o.Rows, c = o.Columns;
        var w = new float[(long)r * c];
        double s = o.Scale;
        switch (o.Distribution)
        {
            case WeightDistribution.Normal:
                for (long i = 0; i < w.LongLength; i++) w[i] = (float)(s * rng.Normal());
                break;
            case WeightDistribution.Uniform:
                for (long i = 0; i < w.LongLength; i++) w[i] = (float)(s * Math.Sqrt(3) * (2 * rng.Uniform() - 1));
                break;
            case WeightDistribution.Laplace:
                for (long i = 0; i < w.LongLength; i++)
                {
                    double u = rng.Uniform() - 0.5;
                    w[i] = (float)(-s / Math.Sqrt(2) * Math.Sign(u) * Math.Log(1 - 2 * Math.Abs(u)));
                }
                break;
            case WeightDistribution.Spiked:
                for (long i = 0; i < w.LongLength; i++) w[i] = (float)(s * rng.Normal());
                for (int k = 0; k < Math.Min(o.Spikes, w.Length); k++)
                {
                    long at = (long)(rng.Uniform() * w.LongLength);
                    w[at] = (float)((rng.Uniform() < 0.5 ? -1 : 1) * o.SpikeMagnitude * s);
                }
                break;
            case WeightDistribution.Sparse:
                for (long i = 0; i < w.LongLength; i++)
                {
                    double v = s * rng.Normal();
                    w[i] = rng.Uniform() < o.Sparsity ? 0f : (float)v;
                }
                break;
            case WeightDistribution.LowRank:
            {
                int k = Math.Min(o.Rank, Math.Min(r, c));
                var a = new double[r * k];
                var b = new double[k * c];
                for (int i = 0; i < a.Length; i++) a[i] = rng.Normal();
                for (int i = 0; i < b.Length; i++) b[i] = rng.Normal();
                double norm = s / Math.Sqrt(k);
                for (int i = 0; i < r; i++)
                    for (int j = 0; j < c; j++)
                    {
                        double v = 0;
                        for (int t = 0; t < k; t++) v += a[i * k + t] * b[t * c + j];
                        w[(long)i * c + j] = (float)(v * norm);
                    }
                break;
            }
            default:
                throw new CondenseException($"weights: unknown distribution {o.Distribution}");
        }
        return w;
    }

    /// <summary>Seeded N(0, 1) or U(0, 1) draws for callers that need sample inputs (e.g. measured output error).</summary>
    public static double[] StandardNormal(int count, int seed)
    {
        var rng = new Rng(seed);
        var x = new double[count];
        for (int i = 0; i < count; i++) x[i] = rng.Normal();
        return x;
    }

    /// <summary>xoshiro256** (Blackman &amp; Vigna 2018), seeded with SplitMix64; Box–Muller normals.</summary>
    internal sealed class Rng
    {
        ulong s0, s1, s2, s3;
        double spare;
        bool hasSpare;

        public Rng(long seed)
        {
            ulong z = (ulong)seed;
            s0 = SplitMix(ref z); s1 = SplitMix(ref z); s2 = SplitMix(ref z); s3 = SplitMix(ref z);
        }

        static ulong SplitMix(ref ulong z)
        {
            z += 0x9E3779B97F4A7C15UL;
            ulong x = z;
            x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
            x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
            return x ^ (x >> 31);
        }

        public ulong Next()
        {
            ulong result = ulong.RotateLeft(s1 * 5, 7) * 9;
            ulong t = s1 << 17;
            s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t;
            s3 = ulong.RotateLeft(s3, 45);
            return result;
        }

        /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
        public double Uniform() => (Next() >> 11) * (1.0 / (1UL << 53));

        public double Normal()
        {
            if (hasSpare) { hasSpare = false; return spare; }
            double u = 1 - Uniform(), v = Uniform();
            double m = Math.Sqrt(-2 * Math.Log(u));
            spare = m * Math.Sin(2 * Math.PI * v);
            hasSpare = true;
            return m * Math.Cos(2 * Math.PI * v);
        }
    }
}

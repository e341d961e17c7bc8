namespace Condense.Hashing;

/// <summary>
/// The seeded hash pair of HashedNets (Chen et al., ICML 2015, §4): h(i, j) picks which pool
/// entry the virtual weight V[i, j] reads, and ξ(i, j) ∈ {−1, +1} flips its sign so that the
/// collisions of a bucket cancel in expectation instead of adding a bias (§4.3). The paper uses
/// xxHash; we use the SplitMix64 finaliser, which is as well mixed for keys this small, needs no
/// dependency, and is stable across platforms and .NET versions, so the same seed always names
/// the same buckets.
/// </summary>
public readonly record struct WeightHash(ulong Seed, int Buckets)
{
    /// <summary>Bucket in [0, <see cref="Buckets"/>) that virtual weight (row, column) reads.</summary>
    public int Bucket(int row, int column)
    {
        var h = Mix(Key(row, column) ^ Mix(Seed));
        // Multiply-shift maps 64 well-mixed bits to [0, Buckets) without modulo bias worth naming.
        return (int)(((h >> 32) * (ulong)Buckets) >> 32);
    }

    /// <summary>ξ(row, column): +1 or −1, from a hash independent of <see cref="Bucket"/>.</summary>
    public float Sign(int row, int column) =>
        (Mix(Key(row, column) ^ Mix(Seed ^ 0x5851F42D4C957F2DUL)) & 1) == 0 ? 1f : -1f;

    static ulong Key(int row, int column) => ((ulong)(uint)row << 32) | (uint)column;

    /// <summary>SplitMix64's finaliser (Steele, Lea and Flood, OOPSLA 2014).</summary>
    public static ulong Mix(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>The seed of hash function <paramref name="k"/> of layer <paramref name="layer"/> under a model seed.</summary>
    public static ulong SeedFor(int modelSeed, int layer, int k) =>
        Mix(Mix((ulong)modelSeed) ^ ((ulong)(uint)layer << 16) ^ (uint)k);
}

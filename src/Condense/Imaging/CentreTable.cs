using System.Numerics;

namespace Condense.Imaging;

/// <summary>
/// The k centres as float structure-of-arrays, padded to a whole number of <see cref="Vector{T}"/>
/// lanes for the vectorised nearest-centre search; padding lanes sit far away (10⁶ per channel)
/// and never win.
/// </summary>
internal sealed class CentreTable
{
    CentreTable(int k)
    {
        var width = Vector<float>.Count;
        K = k;
        Padded = ((k + width - 1) / width) * width;
        X = new float[Padded];
        Y = new float[Padded];
        Z = new float[Padded];
    }

    /// <summary>Real centres.</summary>
    public int K { get; }

    /// <summary>Lanes, a multiple of the vector width.</summary>
    public int Padded { get; }

    /// <summary>Red, green and blue of each lane.</summary>
    public float[] X { get; }

    /// <inheritdoc cref="X"/>
    public float[] Y { get; }

    /// <inheritdoc cref="X"/>
    public float[] Z { get; }

    /// <summary>A table holding <paramref name="centres"/> ((r, g, b) triples, k of them).</summary>
    public static CentreTable From(double[] centres, int k)
    {
        var table = new CentreTable(k);
        table.Load(centres);
        return table;
    }

    /// <summary>Overwrites the lanes with <paramref name="centres"/>, rounded to float.</summary>
    public void Load(double[] centres)
    {
        for (var c = 0; c < Padded; c++)
        {
            var real = c < K;
            X[c] = real ? (float)centres[c * 3] : 1e6f;
            Y[c] = real ? (float)centres[(c * 3) + 1] : 1e6f;
            Z[c] = real ? (float)centres[(c * 3) + 2] : 1e6f;
        }
    }
}

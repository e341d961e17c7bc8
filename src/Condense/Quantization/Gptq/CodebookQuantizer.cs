namespace Condense.Quantization.Gptq;

/// <summary>
/// k-means weight sharing as GPTQ's element quantizer: a codebook of 2^bits centroids per row (or
/// group of rows) is fitted first, on the original weights weighted by each column's input energy
/// diag(H) (a weight that sees large inputs matters more to the output), then GPTQ rounds every
/// value to its nearest centroid and compensates the error in the columns not yet rounded.
/// </summary>
public sealed class CodebookQuantizer : IGptqQuantizer
{
    readonly int bits;
    readonly int rowsPerCodebook;
    readonly int seed;
    readonly bool exactOnly;
    int rows, columns, rowsPer;
    byte[] codes = [];
    double[][] books = [];

    /// <summary>Exact codebooks (the optimal weighted k-means of every row), as rounding to nearest needs: its codebook is the answer.</summary>
    /// <param name="bits">1..8: codebooks of 2^bits entries.</param>
    /// <param name="rowsPerCodebook">Rows sharing one codebook (1: per output channel; 0: the whole matrix).</param>
    /// <param name="seed">k-means initialisation seed.</param>
    public CodebookQuantizer(int bits, int rowsPerCodebook = 1, int seed = 0) : this(bits, rowsPerCodebook, seed, exactOnly: true) { }

    /// <summary>
    /// Codebooks for GPTQ: exact up to <see cref="ExactUpTo"/> values, from the histogram fast path past it. The codebook is
    /// fitted to the weights before GPTQ moves them, so its last 0.1 % of SSE buys nothing there.
    /// </summary>
    public static CodebookQuantizer ForGptq(int bits, int rowsPerCodebook = 1, int seed = 0) => new(bits, rowsPerCodebook, seed, exactOnly: false);

    CodebookQuantizer(int bits, int rowsPerCodebook, int seed, bool exactOnly)
    {
        if (bits is < 1 or > 8) throw new CondenseException($"k-means bits must be in 1..8, not {bits}");
        if (rowsPerCodebook < 0) throw new CondenseException($"rows per codebook must be ≥ 0, not {rowsPerCodebook}");
        this.bits = bits;
        this.rowsPerCodebook = rowsPerCodebook;
        this.seed = seed;
        this.exactOnly = exactOnly;
    }

    /// <inheritdoc/>
    public int GroupWidth => 0;

    /// <inheritdoc/>
    public void Fit(ReadOnlySpan<double> weights, int rows, int columns, ReadOnlySpan<double> columnEnergy)
    {
        this.rows = rows;
        this.columns = columns;
        rowsPer = rowsPerCodebook == 0 ? rows : Math.Min(rowsPerCodebook, rows);
        codes = new byte[rows * columns];
        var groups = (rows + rowsPer - 1) / rowsPer;
        books = new double[groups][];
        var k = 1 << bits;
        double meanEnergy = 0;
        foreach (var e in columnEnergy) meanEnergy += e;
        meanEnergy = meanEnergy > 0 ? meanEnergy / columnEnergy.Length : 1;
        for (int g = 0; g < groups; g++)
        {
            int first = g * rowsPer, count = Math.Min(rowsPer, rows - first);
            var values = weights.Slice(first * columns, count * columns).ToArray();
            // A small floor keeps columns without input from vanishing entirely from the fit.
            var weightsOf = new double[values.Length];
            for (int i = 0; i < values.Length; i++) weightsOf[i] = columnEnergy[i % columns] / meanEnergy + 1e-3;
            // Fewer distinct values than k: k-means merges equal values and returns one centroid each, padded below.
            var result = KMeans1D.Fit(values, weightsOf, Options(k, values.Length));
            var centroids = result.Centroids.Select(c => (double)(float)c).ToList();
            while (centroids.Count < k) centroids.Add(centroids[^1]);
            books[g] = [.. centroids.Order()];
        }
    }

    /// <summary>GPTQ's codebooks fitted to up to this many values are exact; larger ones take the histogram fast path.</summary>
    public const int ExactUpTo = 2048;

    // Past 2,048 values (rows of ResNet18's last two stages, 2,304 and 4,608 columns) the exact DP on 256 histogram bins
    // polished by Lloyd on every value came within 0.1 % of the optimal weighted SSE at 2–3× less time, and the k-means was
    // most of a codebook solve's.
    KMeansOptions Options(int clusters, int values) =>
        exactOnly || values <= ExactUpTo ? new KMeansOptions(clusters) { Seed = seed } : new KMeansOptions(clusters) { Seed = seed, ExactBudget = 0, HistogramBins = 256 };

    /// <inheritdoc/>
    public void FitGroup(int firstColumn, ReadOnlySpan<double> current, int rows, int width) { }

    /// <inheritdoc/>
    public double Quantize(int row, int column, double value)
    {
        var book = books[row / rowsPer];
        var code = KMeans1D.Nearest(book, value);
        codes[row * columns + column] = (byte)code;
        return book[code];
    }

    /// <summary>The codes and codebooks of the last solve.</summary>
    public CodebookCodes Result() =>
        new(bits, rows, columns, rowsPer, codes, books.SelectMany(b => b.Select(c => (float)c)).ToArray());
}

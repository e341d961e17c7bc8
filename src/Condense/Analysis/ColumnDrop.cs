using Condense.Formats.Onnx;
using Condense.Graph;
using Condense.Quantization.Gptq;

namespace Condense.Analysis;

/// <summary>
/// Input columns not stored (<see cref="QuantizationSetting.DropPercent"/>): on MNIST the first
/// layer's columns for border pixels never see ink (H's diagonal is 0), so storing them buys nothing;
/// dropping them, or the least salient few (H_jj·‖w_j‖², as OBS/SparseGPT rank them), frees bytes the
/// planner can spend on more bits elsewhere. GPTQ runs on the whole matrix as usual; a dropped
/// column rounds to 0, its error spread over the columns after it; the kept columns' codes come from
/// one grid or codebook fitted to the kept columns only. A Conv of one group is its unfolded matrix
/// [out, in·kh·kw], columns in the weight's own order (channel, then kernel row, then kernel column), which is
/// the order of its im2col rows and so of its calibration H; a grouped Conv is not offered these settings.
/// </summary>
public static class ColumnDrop
{
    /// <summary>
    /// Whether columns can be dropped or split in <paramref name="layer"/>: any layer of one group (MatMul, Gemm, a table,
    /// a Conv as its unfolded matrix); a grouped or depthwise Conv's columns are per group, which the writer does not lay out.
    /// </summary>
    public static bool Applies(LinearLayer layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        return layer.Groups == 1;
    }

    /// <summary>The input columns kept, ascending: those with calibration energy, less the <paramref name="percent"/> % least salient.</summary>
    public static int[] Kept(IReadOnlyList<double> energy, ReadOnlySpan<float> w, int rows, int columns, int percent)
    {
        ArgumentNullException.ThrowIfNull(energy);
        var saliency = new double[columns];
        for (int j = 0; j < columns; j++)
        {
            double norm = 0;
            for (int r = 0; r < rows; r++) norm += (double)w[r * columns + j] * w[r * columns + j];
            saliency[j] = energy[j] <= 0 ? -1 : energy[j] * norm;
        }
        var dead = saliency.Count(v => v < 0);
        var drop = Math.Max(dead, percent <= 0 ? 0 : (int)Math.Round(columns * percent / 100.0));
        drop = Math.Min(drop, columns - 1);
        var dropped = Enumerable.Range(0, columns).OrderBy(j => saliency[j]).ThenBy(j => j).Take(drop).ToHashSet();
        return [.. Enumerable.Range(0, columns).Where(j => !dropped.Contains(j))];
    }

    /// <summary>
    /// GPTQ of a MatMul/Gemm weight or a one-group Conv's unfolded matrix (rows × columns, outputs × inputs) with the columns of <paramref name="setting"/>
    /// dropped or split: the encoding and Ŵ (dropped columns 0). Without <paramref name="factor"/> (an embedding
    /// table: no H), every column weighs alike and each value is rounded to nearest.
    /// </summary>
    public static (OnnxQuantizedMatrix Encoding, float[] Values) Quantize(LinearLayer layer, float[] w, GptqFactor? factor, QuantizationSetting setting, int seed)
    {
        ArgumentNullException.ThrowIfNull(layer);
        ArgumentNullException.ThrowIfNull(setting);
        if (!Applies(layer))
            throw new CondenseException($"{layer.Node}: columns are dropped from layers of one group only, not from a Conv of {layer.Groups} groups");
        int rows = layer.Rows, columns = layer.Columns;
        IReadOnlyList<double> energy = factor?.Energy ?? [.. Enumerable.Repeat(1.0, columns)];
        var kept = Kept(energy, w, rows, columns, setting.DropPercent);
        HashSet<int> salient = setting.SplitPercent <= 0 ? [] : Salient(energy, w, rows, columns, kept, setting.SplitPercent);
        var low = kept.Where(j => !salient.Contains(j)).ToArray();
        IGptqQuantizer Make(int bits) => setting.Codebook ? new CodebookQuantizer(bits, 1, seed) : new LinearGridQuantizer(bits);
        var lowQuantizer = Make(setting.Bits);
        var highQuantizer = salient.Count > 0 ? Make(setting.Bits + 1) : null;
        var high = salient.Order().ToArray();
        var quantizer = new Dropping(lowQuantizer, low, highQuantizer, high, columns);
        var values = factor is null ? RoundToNearest.Solve(w, rows, columns, quantizer) : GptqSolver.Solve(w, rows, columns, factor, quantizer);
        var what = $"{(factor is null ? "rtn" : "gptq")} {(setting.Codebook ? "kmeans" : "linear")} {setting.Bits}-bit {(setting.Codebook ? "per row" : "per-channel")}, "
            + (high.Length > 0 ? $"{high.Length} salient columns at {setting.Bits + 1} bits, " : "") + $"{kept.Length} of {columns} columns";
        OnnxQuantizedMatrix Encoding(IGptqQuantizer q, int[] part, OnnxQuantizedMatrix? extra) => q is LinearGridQuantizer grid
            ? new OnnxQuantizedMatrix(what, layer.Transposed, Grid: grid.Result(), KeptColumns: part, AllColumns: columns, Extra: extra)
            : new OnnxQuantizedMatrix(what, layer.Transposed, Codebook: ((CodebookQuantizer)q).Result(), KeptColumns: part, AllColumns: columns, Extra: extra);
        var encoding = Encoding(lowQuantizer, low, highQuantizer is null ? null : Encoding(highQuantizer, high, null));
        // Nothing dropped and nothing split: the plain encoding, without a column index that gathers nothing.
        if (highQuantizer is null && low.Length == columns) encoding = encoding with { KeptColumns = null, AllColumns = 0 };
        return (encoding, values);
    }

    /// <summary>The <paramref name="percent"/> % of the kept columns with the largest saliency H_jj·‖w_j‖².</summary>
    public static HashSet<int> Salient(IReadOnlyList<double> energy, ReadOnlySpan<float> w, int rows, int columns, IReadOnlyList<int> kept, int percent)
    {
        ArgumentNullException.ThrowIfNull(energy);
        ArgumentNullException.ThrowIfNull(kept);
        var saliency = new Dictionary<int, double>();
        foreach (var j in kept)
        {
            double norm = 0;
            for (int r = 0; r < rows; r++) norm += (double)w[r * columns + j] * w[r * columns + j];
            saliency[j] = energy[j] * norm;
        }
        var count = Math.Min(kept.Count - 1, (int)Math.Round(kept.Count * percent / 100.0));
        return [.. kept.OrderByDescending(j => saliency[j]).ThenBy(j => j).Take(Math.Max(0, count))];
    }

    /// <summary>
    /// Rounds dropped columns to 0 and hands the others, renumbered, to the quantizer of their part
    /// (the low-bit one, or the salient columns' one), each fitted on its own columns alone.
    /// </summary>
    sealed class Dropping(IGptqQuantizer low, int[] lowColumns, IGptqQuantizer? high, int[] highColumns, int columns) : IGptqQuantizer
    {
        // place[j] ≥ 0: index in the low part; ≤ −2: −2 − index in the high part; −1: dropped.
        readonly int[] place = Places(lowColumns, highColumns, columns);

        static int[] Places(int[] low, int[] high, int columns)
        {
            var place = Enumerable.Repeat(-1, columns).ToArray();
            for (int k = 0; k < low.Length; k++) place[low[k]] = k;
            for (int k = 0; k < high.Length; k++) place[high[k]] = -2 - k;
            return place;
        }

        public int GroupWidth => 0;

        public void Fit(ReadOnlySpan<double> weights, int rows, int columns, ReadOnlySpan<double> columnEnergy)
        {
            FitPart(low, lowColumns, weights, rows, columns, columnEnergy);
            if (high is not null) FitPart(high, highColumns, weights, rows, columns, columnEnergy);
        }

        static void FitPart(IGptqQuantizer part, int[] kept, ReadOnlySpan<double> weights, int rows, int columns, ReadOnlySpan<double> columnEnergy)
        {
            var reduced = new double[rows * kept.Length];
            var energy = new double[kept.Length];
            for (int k = 0; k < kept.Length; k++)
            {
                energy[k] = columnEnergy[kept[k]];
                for (int r = 0; r < rows; r++) reduced[r * kept.Length + k] = weights[r * columns + kept[k]];
            }
            part.Fit(reduced, rows, kept.Length, energy);
            if (part.GroupWidth != 0) throw new CondenseException("dropping columns needs a quantizer without column groups");
        }

        public void FitGroup(int firstColumn, ReadOnlySpan<double> current, int rows, int width) { }

        public double Quantize(int row, int column, double value) => place[column] switch
        {
            -1 => 0,
            >= 0 and var k => low.Quantize(row, k, value),
            var k => high!.Quantize(row, -2 - k, value),
        };
    }
}

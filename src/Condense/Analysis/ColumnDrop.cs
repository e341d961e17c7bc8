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
/// one grid or codebook fitted to the kept columns only.
/// </summary>
public static class ColumnDrop
{
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

    /// <summary>GPTQ of a MatMul/Gemm weight (rows × columns, outputs × inputs) with the columns of <paramref name="setting"/> dropped: the encoding and Ŵ (dropped columns 0).</summary>
    public static (OnnxQuantizedMatrix Encoding, float[] Values) Quantize(LinearLayer layer, float[] w, GptqFactor factor, QuantizationSetting setting, int seed)
    {
        ArgumentNullException.ThrowIfNull(layer);
        ArgumentNullException.ThrowIfNull(factor);
        ArgumentNullException.ThrowIfNull(setting);
        if (layer.Groups != 1 || layer.Kind is not (LinearLayerKind.MatMul or LinearLayerKind.Gemm))
            throw new CondenseException($"{layer.Node}: columns are dropped from MatMul/Gemm weights only");
        int rows = layer.Rows, columns = layer.Columns;
        var kept = Kept(factor.Energy, w, rows, columns, setting.DropPercent);
        IGptqQuantizer inner = setting.Codebook ? new CodebookQuantizer(setting.Bits, 1, seed) : new LinearGridQuantizer(setting.Bits);
        var quantizer = new Dropping(inner, kept, columns);
        var values = GptqSolver.Solve(w, rows, columns, factor, quantizer);
        var what = $"gptq {(setting.Codebook ? "kmeans" : "linear")} {setting.Bits}-bit {(setting.Codebook ? "per row" : "per-channel")}, {kept.Length} of {columns} columns";
        var encoding = inner is LinearGridQuantizer grid
            ? new OnnxQuantizedMatrix(what, layer.Transposed, Grid: grid.Result(), KeptColumns: kept, AllColumns: columns)
            : new OnnxQuantizedMatrix(what, layer.Transposed, Codebook: ((CodebookQuantizer)inner).Result(), KeptColumns: kept, AllColumns: columns);
        return (encoding, values);
    }

    /// <summary>Rounds dropped columns to 0 and hands the kept ones, renumbered, to a quantizer fitted on them alone.</summary>
    sealed class Dropping(IGptqQuantizer inner, int[] kept, int columns) : IGptqQuantizer
    {
        readonly int[] place = Places(kept, columns);

        static int[] Places(int[] kept, int columns)
        {
            var place = Enumerable.Repeat(-1, columns).ToArray();
            for (int k = 0; k < kept.Length; k++) place[kept[k]] = k;
            return place;
        }

        public int GroupWidth => 0;

        public void Fit(ReadOnlySpan<double> weights, int rows, int columns, ReadOnlySpan<double> columnEnergy)
        {
            var reduced = new double[rows * kept.Length];
            var energy = new double[kept.Length];
            for (int k = 0; k < kept.Length; k++)
            {
                energy[k] = columnEnergy[kept[k]];
                for (int r = 0; r < rows; r++) reduced[r * kept.Length + k] = weights[r * columns + kept[k]];
            }
            inner.Fit(reduced, rows, kept.Length, energy);
            if (inner.GroupWidth != 0) throw new CondenseException("dropping columns needs a quantizer without column groups");
        }

        public void FitGroup(int firstColumn, ReadOnlySpan<double> current, int rows, int width) { }

        public double Quantize(int row, int column, double value) => place[column] < 0 ? 0 : inner.Quantize(row, place[column], value);
    }
}

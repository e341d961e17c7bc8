using System.Runtime.InteropServices;
using Condense.Formats.Onnx;
using Onnx;

namespace Condense.Graph;

/// <summary>
/// Embedding tables: <c>Gather</c> nodes that read rows (axis 0) of a 2-D float initializer used by
/// that node only. Analysis and the planner treat each as one more layer whose "matrix" is the table
/// (rows = entries, columns = width, stored as it is), quantized per row: in a language model the
/// word table is most of the file (MiniLM: 11.7 M of its 22.7 M weights), so leaving it float32
/// while the MatMuls are quantized makes every size comparison about the table, not the layers.
/// </summary>
public static class EmbeddingTables
{
    /// <summary>The embedding Gathers with a float table of at least <paramref name="minSize"/> elements.</summary>
    public static IReadOnlyList<LinearLayer> Find(OnnxModel model, long minSize = 1024)
    {
        ArgumentNullException.ThrowIfNull(model);
        var graph = model.Proto.Graph;
        var initializers = graph.Initializer.ToDictionary(i => i.Name, StringComparer.Ordinal);
        var uses = graph.Node.SelectMany(n => n.Input).GroupBy(n => n, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var tables = new List<LinearLayer>();
        for (int index = 0; index < graph.Node.Count; index++)
        {
            var node = graph.Node[index];
            if (node.OpType != "Gather" || node.Domain is not ("" or "ai.onnx") || node.Input.Count != 2) continue;
            if (!initializers.TryGetValue(node.Input[0], out var t) || (TensorProto.Types.DataType)t.DataType != TensorProto.Types.DataType.Float) continue;
            if (t.Dims.Count != 2 || OnnxTensorData.ElementCount(t.Dims) < Math.Max(minSize, 1) || uses[t.Name] > 1) continue;
            if ((node.Attribute.FirstOrDefault(a => a.Name == "axis")?.I ?? 0) != 0) continue;
            if (graph.Output.Any(o => o.Name == t.Name)) continue;
            var name = node.Name.Length > 0 ? node.Name : $"{node.OpType} #{index}";
            tables.Add(new LinearLayer(name, LinearLayerKind.Gather, t.Name, node.Input[1], [.. t.Dims], (int)t.Dims[0], (int)t.Dims[1], 1, false));
        }
        return tables;
    }

    /// <summary>
    /// How often each row of each table is gathered on <paramref name="samples"/> (the indices read
    /// through ONNX Runtime, negative indices counted from the end, out-of-range ones ignored).
    /// </summary>
    public static IReadOnlyList<long[]> RowCounts(OnnxModel model, IReadOnlyList<LinearLayer> tables, IReadOnlyList<IReadOnlyList<TensorProto>> samples, int threads = 1)
    {
        ArgumentNullException.ThrowIfNull(tables);
        ArgumentNullException.ThrowIfNull(samples);
        var counts = tables.Select(t => new long[t.Rows]).ToList();
        if (tables.Count == 0) return counts;
        using var capture = new ActivationCapture(model, [.. tables.Select(t => t.Input).Distinct(StringComparer.Ordinal)], threads);
        foreach (var sample in samples)
        {
            var values = capture.Run(sample);
            for (int k = 0; k < tables.Count; k++)
                foreach (var i in Indices(values[tables[k].Input]))
                {
                    var row = i < 0 ? i + tables[k].Rows : i;
                    if (row >= 0 && row < tables[k].Rows) counts[k][row]++;
                }
        }
        return counts;
    }

    /// <summary>
    /// Relative error of the rows the data gathers, √(Σ_r n_r‖w_r − ŵ_r‖² / Σ_r n_r‖w_r‖²) with n_r the
    /// times row r was gathered: the table's "layer output error" on those inputs, per candidate.
    /// </summary>
    public static double[] HeldOutErrors(float[] table, int width, long[] counts, params float[][] candidates)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(counts);
        ArgumentNullException.ThrowIfNull(candidates);
        double signal = 0;
        var error = new double[candidates.Length];
        for (int r = 0; r < counts.Length; r++)
        {
            if (counts[r] == 0) continue;
            double s = 0;
            for (int c = 0; c < width; c++) s += (double)table[r * width + c] * table[r * width + c];
            signal += counts[r] * s;
            for (int k = 0; k < candidates.Length; k++)
            {
                double e = 0;
                for (int c = 0; c < width; c++) { double d = table[r * width + c] - candidates[k][r * width + c]; e += d * d; }
                error[k] += counts[r] * e;
            }
        }
        return [.. error.Select(e => signal > 0 ? Math.Sqrt(e / signal) : 0)];
    }

    /// <summary>
    /// A table's per-row codebooks rounded to float16 (written as float16 and a Cast: half the centroid
    /// bytes, 0.98 MB of MiniLM's word table at 3 bits) and the values they decode to; grids unchanged.
    /// </summary>
    public static (OnnxQuantizedMatrix Encoding, float[] Values)? HalfCodebooks(OnnxQuantizedMatrix encoding)
    {
        ArgumentNullException.ThrowIfNull(encoding);
        if (encoding.Codebook is not { } book || encoding.Transposed || encoding.KeptColumns is not null) return null;
        var rounded = encoding with { Codebook = book with { Centroids = [.. book.Centroids.Select(c => (float)(Half)c)] }, Label = encoding.Label + ", fp16 centroids", HalfCentroids = true };
        return (rounded, rounded.Decoded());
    }

    static long[] Indices(TensorProto t)
    {
        switch ((TensorProto.Types.DataType)t.DataType)
        {
            case TensorProto.Types.DataType.Int64:
                return t.RawData.Length > 0 ? MemoryMarshal.Cast<byte, long>(t.RawData.Span).ToArray() : [.. t.Int64Data];
            case TensorProto.Types.DataType.Int32:
                return t.RawData.Length > 0 ? [.. MemoryMarshal.Cast<byte, int>(t.RawData.Span).ToArray().Select(v => (long)v)] : [.. t.Int32Data.Select(v => (long)v)];
            default:
                throw new CondenseException($"embedding indices '{t.Name}' are {OnnxTensorData.TypeName(t.DataType)}, not int32 or int64");
        }
    }
}

using Condense.Formats.Onnx;
using Condense.Runtime;
using Google.Protobuf;
using Onnx;

namespace Condense.Workflows;

/// <summary>
/// A model's figure on held-out samples, through ONNX Runtime: accuracy (argmax of the first output)
/// when labels are known, else each sample's first output compared with the original's by cosine
/// similarity. A transformer's token outputs [1, seq, d] are pooled first, weighted by the
/// <c>attention_mask</c> input, into the sentence embedding a user actually compares.
/// </summary>
public static class HeldOutQuality
{
    /// <summary>The first output of every sample (pooled where it is a token sequence).</summary>
    public static IReadOnlyList<float[]> Outputs(ModelProto model, string source, IReadOnlyList<IReadOnlyList<TensorProto>> samples, int threads = 1)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(samples);
        var results = new List<float[]>(samples.Count);
        using (var runner = new OnnxRuntimeRunner(model.ToByteArray(), source, threads))
            foreach (var sample in samples) results.Add(Compared(runner.Run(sample)[0], sample));
        // A session's initializers and optimised graph are as large as the model: gone before the next one loads.
        ProcessMemory.Release();
        return results;
    }

    /// <summary>What is compared of one sample's first output: the values, or a token sequence pooled by the sample's attention mask.</summary>
    public static float[] Compared(TensorProto output, IReadOnlyList<TensorProto> sample)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(sample);
        var values = OnnxTensorData.ToFloat32(output);
        var mask = sample.FirstOrDefault(t => t.Name == "attention_mask");
        return mask is not null && output.Dims.Count == 3 ? Pool(values, output.Dims, mask) : values;
    }

    /// <summary>Mean over samples of cos(a_i, b_i).</summary>
    public static double MeanCosine(IReadOnlyList<float[]> a, IReadOnlyList<float[]> b)
    {
        if (a.Count != b.Count || a.Count == 0) throw new CondenseException($"cannot compare {a.Count} outputs with {b.Count}");
        double sum = 0;
        for (int i = 0; i < a.Count; i++)
        {
            double dot = 0, na = 0, nb = 0;
            for (int j = 0; j < a[i].Length; j++) { dot += (double)a[i][j] * b[i][j]; na += (double)a[i][j] * a[i][j]; nb += (double)b[i][j] * b[i][j]; }
            sum += na > 0 && nb > 0 ? dot / Math.Sqrt(na * nb) : na == nb ? 1 : 0;
        }
        return sum / a.Count;
    }

    /// <summary>Share of samples whose argmax is the label.</summary>
    public static double Accuracy(IReadOnlyList<float[]> outputs, IReadOnlyList<int> labels)
    {
        if (outputs.Count != labels.Count || outputs.Count == 0) throw new CondenseException($"{outputs.Count} outputs for {labels.Count} labels");
        int right = 0;
        for (int i = 0; i < outputs.Count; i++)
        {
            var o = outputs[i];
            int best = 0;
            for (int j = 1; j < o.Length; j++) if (o[j] > o[best]) best = j;
            if (best == labels[i]) right++;
        }
        return (double)right / outputs.Count;
    }

    static float[] Pool(float[] tokens, IList<long> dims, TensorProto mask)
    {
        int seq = (int)dims[1], width = (int)dims[2];
        var m = OnnxTensorData.ToFloat32(mask);
        var pooled = new float[width];
        double total = 0;
        for (int t = 0; t < seq && t < m.Length; t++)
        {
            if (m[t] == 0) continue;
            total += m[t];
            for (int j = 0; j < width; j++) pooled[j] += m[t] * tokens[t * width + j];
        }
        if (total > 0) for (int j = 0; j < width; j++) pooled[j] = (float)(pooled[j] / total);
        return pooled;
    }
}

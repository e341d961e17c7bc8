using Condense.Data;
using Condense.Models;

namespace Condense.Formats.Onnx;

/// <summary>
/// Measures an ONNX model file on a data set in ONNX Runtime, the way a .NET user would run it:
/// accuracy (arg-max of the outputs) for classifiers, mean squared error against the input for
/// autoencoders. Used to check that compressed files keep their quality, from the file alone.
/// </summary>
internal static class OnnxEvaluator
{
    public static Evaluation Evaluate(string path, Dataset data, ModelTask task, int threads = 2, int batch = 1000)
    {
        using var runner = OnnxRuntimeRunner.FromFile(path, threads: threads);   // from the path, so external data next to it loads
        var input = runner.InputNames[0];
        double sum = 0;
        long correct = 0;
        for (var start = 0; start < data.Count; start += batch)
        {
            var n = Math.Min(batch, data.Count - start);
            var x = data.Images.AsSpan(start * data.Features, n * data.Features).ToArray();
            var y = OnnxTensorData.ToFloat32(runner.Run([OnnxTensorData.FromFloat32(input, x, [n, data.Features])])[0]);
            if (task == ModelTask.Classification)
            {
                var classes = y.Length / n;
                for (var i = 0; i < n; i++)
                {
                    var row = y.AsSpan(i * classes, classes);
                    var best = 0;
                    for (var c = 1; c < classes; c++) if (row[c] > row[best]) best = c;
                    if (best == data.Labels[start + i]) correct++;
                }
            }
            else
            {
                if (y.Length != x.Length)
                    throw new CondenseException($"{path}: reconstruction has {y.Length} values for {x.Length} inputs");
                for (var i = 0; i < x.Length; i++) sum += (double)(y[i] - x[i]) * (y[i] - x[i]);
            }
        }
        return task == ModelTask.Classification
            ? new Evaluation(double.NaN, (double)correct / data.Count, data.Count)
            : new Evaluation(sum / ((double)data.Count * data.Features), null, data.Count);
    }
}

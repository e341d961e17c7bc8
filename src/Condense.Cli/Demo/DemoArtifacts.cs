using Condense.Data;
using Condense.Formats.Onnx;
using Condense.Models;
using Condense.Pruning;
using Condense.DeepCompression;
using Condense.LowRank;
using Condense.Hashing;

namespace Condense.Cli.Demo;

/// <summary>
/// Runs a demo artefact from its file alone: ONNX files in ONNX Runtime, Condense model files
/// (.safetensors) through <see cref="ModelFile"/>. The report's numbers come from here, and the
/// test that checks the report recomputes them the same independent way.
/// </summary>
public static class DemoArtifacts
{
    public static float[] Outputs(string path, Dataset data, int count)
    {
        var x = data.Images.AsSpan(0, count * data.Features).ToArray();
        if (path.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase))
        {
            using var runner = new OnnxRuntimeRunner(File.ReadAllBytes(path), path, threads: 2);
            return OnnxTensorData.ToFloat32(runner.Run([OnnxTensorData.FromFloat32(runner.InputNames[0], x, [count, data.Features])])[0]);
        }
        using var model = LoadCondenseModel(path);
        return Evaluator.Predict(model, x, count, data.Features);
    }

    public static Evaluation Evaluate(string path, Dataset data, ModelTask task)
    {
        if (path.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase))
            return OnnxEvaluator.Evaluate(path, data, task);
        using var model = LoadCondenseModel(path);
        return Evaluator.Evaluate(model, data);
    }

    /// <summary>Condense's own files: dense, factorised and hashed safetensors models, sparse (.csparse) models, Deep Compression containers (.cdz).</summary>
    public static CondenseModel LoadCondenseModel(string path)
    {
        if (path.EndsWith(SparseModelFile.Extension, StringComparison.OrdinalIgnoreCase)) return SparseModelFile.Load(path);
        if (path.EndsWith(".cdz", StringComparison.OrdinalIgnoreCase)) return CompressedModelFile.Load(path);
        string? architecture;
        using (var reader = Condense.Formats.SafetensorsReader.Open(path)) architecture = reader.Metadata.GetValueOrDefault("architecture");
        return architecture switch
        {
            "FactorizedMlp" => FactorizedModelFile.Load(path),
            HashedModelFile.Architecture => HashedModelFile.Load(path),
            _ => ModelFile.Load(path).Model,
        };
    }

    /// <summary>Σ|y − y₀| / Σ|y₀|: how far a compressed model's outputs moved, relative to their size.</summary>
    public static double RelativeOutputError(ReadOnlySpan<float> reference, ReadOnlySpan<float> outputs)
    {
        if (reference.Length != outputs.Length) throw new CondenseException($"outputs differ in length ({outputs.Length} vs {reference.Length})");
        double num = 0, den = 0;
        for (var i = 0; i < reference.Length; i++)
        {
            num += Math.Abs(outputs[i] - reference[i]);
            den += Math.Abs(reference[i]);
        }
        return den == 0 ? 0 : num / den;
    }
}

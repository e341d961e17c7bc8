using Condense.Workflows;

namespace Condense.Cli.Demo;

/// <summary>
/// How the demo compares an artefact with its fp32 original. The artefacts themselves are run
/// from their files alone by <see cref="ModelFiles"/> (ONNX in ONNX Runtime, Condense's files in
/// TorchSharp), the same code <c>condense eval</c> uses; the test that checks the report
/// recomputes the numbers independently.
/// </summary>
public static class DemoArtifacts
{
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

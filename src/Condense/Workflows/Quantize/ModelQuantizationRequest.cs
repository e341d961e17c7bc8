using Condense.Quantization;

namespace Condense.Workflows.Quantize;

/// <summary>Quantize every linear layer of a model file and measure what it costs (<see cref="ModelQuantization"/>).</summary>
public sealed record ModelQuantizationRequest
{
    /// <summary>Checks <paramref name="samples"/> before any work starts.</summary>
    /// <param name="modelPath">A model written by <c>condense train</c> (.safetensors); never modified.</param>
    /// <param name="options">Method, bits and the method's options, validated on construction.</param>
    /// <param name="samples">Test inputs for each layer's measured output error (1–10000; capped at the test split's size).</param>
    /// <param name="outputPath">The quantized safetensors file; written only after everything else succeeded.</param>
    public ModelQuantizationRequest(string modelPath, ModelQuantizationOptions options, int samples, string outputPath)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (samples is < 1 or > 10000) throw new CondenseException($"quantize: --samples must be in 1..10000, got {samples}");
        ModelPath = modelPath;
        Options = options;
        Samples = samples;
        OutputPath = outputPath;
    }

    /// <summary>The model file to quantize.</summary>
    public string ModelPath { get; }

    /// <summary>Method, bits and the method's options.</summary>
    public ModelQuantizationOptions Options { get; }

    /// <summary>Test inputs for the measured output error.</summary>
    public int Samples { get; }

    /// <summary>The quantized model file to write.</summary>
    public string OutputPath { get; }
}

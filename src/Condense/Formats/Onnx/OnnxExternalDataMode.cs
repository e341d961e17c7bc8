namespace Condense.Formats.Onnx;

/// <summary>Whether a written model keeps its weights in an external data file beside it.</summary>
public enum OnnxExternalDataMode
{
    /// <summary>External when the input's tensors reach <see cref="OnnxCompressionOptions.ExternalThresholdBytes"/> or the input already keeps its data outside.</summary>
    Auto,

    /// <summary>Always write <c>{model}.data</c> beside the model.</summary>
    Always,

    /// <summary>Never: the model is one protobuf file (at most 2 GiB).</summary>
    Never,
}

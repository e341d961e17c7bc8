namespace Condense.Workflows;

/// <summary>The model files Condense writes, each run in the runtime a user would use for it.</summary>
public enum ModelFileFormat
{
    /// <summary>An ONNX graph (<c>condense export</c>, <c>condense compress</c>): run in ONNX Runtime.</summary>
    Onnx,
    /// <summary>A sparse model (<c>condense prune</c>, <c>.csparse</c>): decoded to dense weights, run in TorchSharp.</summary>
    Csparse,
    /// <summary>A Deep Compression container (<c>.cdz</c>): Huffman-decoded, run in TorchSharp.</summary>
    Cdz,
    /// <summary>A dense, quantized (codebooks and packed codes, decoded), factorised or hashed model in safetensors: run in TorchSharp.</summary>
    Safetensors,
}

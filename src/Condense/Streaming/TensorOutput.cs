using Condense.Formats;

namespace Condense.Streaming;

/// <summary>One tensor of a compressed file, declared before its bytes exist so the header can be written first.</summary>
public sealed record TensorOutput(string Name, TensorDType DType, long[] Shape);

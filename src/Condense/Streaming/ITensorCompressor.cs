using Condense.Formats;

namespace Condense.Streaming;

/// <summary>
/// A compression method in per-tensor form: the one seam between the streaming pipeline
/// (<see cref="StreamCompressor"/>) and an algorithm. The pipeline owns files, chunks, threads,
/// ordering and resumption; a compressor only says what it writes for a tensor and encodes chunks.
/// </summary>
/// <remarks>
/// Output convention: a compressed tensor's codes come first (one byte per element: int8 keeps
/// the tensor's name and shape, k-means writes <c>{name}.indices</c> as the model quantizer
/// does), then side tensors named <c>{name}.{suffix}</c> (e.g. <c>.scale</c>, <c>.codebook</c>);
/// tensors a compressor does not accept are copied unchanged.
/// </remarks>
public interface ITensorCompressor
{
    /// <summary>Short method name written into the output's metadata ("int8", "kmeans8").</summary>
    string Method { get; }

    /// <summary>Every setting that changes the output bytes: a resumed run reuses only shards made with the same text.</summary>
    string Settings { get; }

    /// <summary>True when the tensor is compressed; false when it is copied as it is (integers, 1-D norms and biases).</summary>
    bool Accepts(SafetensorsEntry entry);

    /// <summary>The tensors written for an accepted tensor: first the code tensor (one byte per element, same shape), then the side tensors.</summary>
    IReadOnlyList<TensorOutput> Outputs(SafetensorsEntry entry);

    /// <summary>
    /// Metadata a shard needs beside the pipeline's own so that its layout reads as the format it
    /// is (k-means writes <see cref="Models.QuantizedModelFile"/>'s description of the tensors it
    /// compresses); laid out before any tensor is encoded. None by default.
    /// </summary>
    /// <param name="compressed">The shard's tensors this compressor accepted, in file order.</param>
    IReadOnlyDictionary<string, string> Metadata(IReadOnlyList<SafetensorsEntry> compressed) => new Dictionary<string, string>();

    /// <summary>Looks at the whole tensor if the method needs to (k-means builds its histogram) and returns the encoder for its chunks.</summary>
    ITensorEncoder Prepare(SafetensorsEntry entry, TensorSource source, CancellationToken cancellation);
}

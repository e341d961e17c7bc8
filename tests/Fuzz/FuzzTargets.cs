using Condense.Data;
using Condense.DeepCompression;
using Condense.Formats;
using Condense.Formats.Onnx;
using Condense.Hashing;
using Condense.Imaging;
using Condense.Pruning;
using Condense.Streaming;

namespace Condense.Fuzz;

/// <summary>
/// One fuzz target per reader. A target runs the reader the way Condense uses it (open, then read
/// every tensor / every pixel) and lets only what a caller could not handle escape: an exception
/// other than <see cref="CondenseException"/> (which <see cref="InvalidFileException"/> extends),
/// or an allocation far beyond the input's size. Hangs are caught by afl-fuzz's timeout.
/// </summary>
public static class FuzzTargets
{
    public static readonly string[] Names = ["safetensors", "shards", "idx", "onnx", "image", "container", "sparse", "checkpoint", "hashed", "model", "npy", "npz", "vocab", "imagefolder"];

    /// <summary>Managed bytes one input may allocate: 64 MiB plus 1024× its size (gzip's best ratio is ~1032:1).</summary>
    public static long AllocationBudget(long inputBytes) => (64L << 20) + 1024 * inputBytes;

    internal static readonly string Scratch = Path.Combine(
        Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath(), $"condense-fuzz-{Environment.ProcessId}");

    public static Action<byte[]> Get(string name) => name switch
    {
        "safetensors" => Safetensors,
        "idx" => Idx,
        "onnx" => Onnx,
        "image" => Image,
        "container" => Container,
        "sparse" => Sparse,
        "shards" => Shards,
        "checkpoint" => Checkpoint,
        "hashed" => Hashed,
        "model" => Model,
        "npy" => DataTargets.Npy,
        "npz" => DataTargets.Npz,
        "vocab" => DataTargets.Vocab,
        "imagefolder" => DataTargets.ImageFolder,
        _ => throw new ArgumentException($"unknown target '{name}' (one of {string.Join(", ", Names)})"),
    };

    /// <summary>
    /// Runs <paramref name="target"/> on one input; returns null when the reader accepted it, the
    /// message when it refused it with <see cref="CondenseException"/>, and throws otherwise.
    /// </summary>
    public static string? RunOne(Action<byte[]> target, byte[] input)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        string? refusal = null;
        try
        {
            target(input);
        }
        catch (CondenseException ex)
        {
            refusal = ex.Message;   // refused with the documented exception: what a caller handles
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        // The sparse file legitimately expands (an all-zero matrix costs a few bytes): its reader
        // bounds a file at max(2²⁴, 1024·bytes) elements, so its budget is that many floats, twice.
        // A hashed file legitimately names a virtual network far larger than its pools: its loader
        // bounds the index and sign tables (12 bytes per entry) at MaxTableEntries, so that much, twice.
        long budget = AllocationBudget(input.Length) + (target == Sparse ? 8 * Math.Max(1L << 24, 1024L * input.Length)
            : target == Hashed || target == Model ? 2 * 12 * HashedModelFile.MaxTableEntries
            : target == DataTargets.Npz ? DataTargets.NpzBudget(input.Length) : 0);
        if (allocated > budget)
            throw new InsufficientExecutionStackException($"allocated {allocated} bytes for a {input.Length}-byte input");
        return refusal;
    }

    internal static string ScratchFile(string name, byte[] input)
    {
        Directory.CreateDirectory(Scratch);
        var path = Path.Combine(Scratch, name);
        File.WriteAllBytes(path, input);
        return path;
    }

    static void Safetensors(byte[] input)
    {
        using var reader = SafetensorsReader.Open(ScratchFile("input.safetensors", input));
        foreach (var entry in reader.Entries)
        {
            var tensor = reader.Read(entry);
            if (tensor.DType.IsFloat()) tensor.ToFloat32();
        }
        _ = reader.Metadata.Count;
    }

    static void Idx(byte[] input)
    {
        using var stream = new MemoryStream(input, writable: false);
        var array = IdxReader.Read(stream, "input.idx");
        _ = array.ItemSize;
    }

    static void Onnx(byte[] input)
    {
        // The model sits next to a 256-byte weights.bin, so external-data resolution is exercised too.
        var path = ScratchFile("model.onnx", input);
        var weights = Path.Combine(Scratch, "weights.bin");
        if (!File.Exists(weights)) File.WriteAllBytes(weights, Enumerable.Range(0, 256).Select(i => (byte)i).ToArray());
        var model = OnnxReader.Read(path);
        model.LoadExternalData();
        foreach (var p in model.Parameters)
        {
            _ = p.Bytes;
            if (OnnxTensorData.IsFloat(p.Tensor.DataType)) OnnxTensorData.ToFloat32(p.Tensor);
        }
    }

    static readonly ImageDecodeOptions SmallImages = new() { MaxPixels = 1 << 20 };

    static void Image(byte[] input)
    {
        var image = ImageDecoder.Decode(input, "input", SmallImages);
        _ = image.Width;
    }

    /// <summary>The Deep Compression container (pruned, shared, Huffman-coded layers), decoded to weights.</summary>
    static void Container(byte[] input)
    {
        var (_, layers) = CompressedContainer.Read(input, "input.cdc");
        foreach (var layer in layers) layer.DecodeWeights();
    }

    /// <summary>The pruned model's sparse file (relative-index CSR inside safetensors).</summary>
    static void Sparse(byte[] input)
    {
        var (tensors, _) = SparseModelFile.Decode(input, "input.sparse");
        foreach (var t in tensors) if (t.DType.IsFloat()) t.ToFloat32();
    }

    /// <summary>Shard names the "shards" target's folder holds; the fuzzed index may name them or others.</summary>
    public static readonly string[] ShardFiles = [ShardIndex.ShardName(1, 2), ShardIndex.ShardName(2, 2)];

    /// <summary>
    /// A sharded checkpoint: the input is <c>model.safetensors.index.json</c>, beside two small valid
    /// shards; the checkpoint is opened (index checked against the shards) and every tensor read.
    /// </summary>
    static void Shards(byte[] input)
    {
        var folder = Path.Combine(Scratch, "sharded");
        if (!Directory.Exists(folder))
        {
            Directory.CreateDirectory(folder);
            Seeds.WriteShards(folder);
        }
        File.WriteAllBytes(Path.Combine(folder, ShardIndex.FileName), input);
        using var checkpoint = ShardedCheckpoint.Open(folder);
        foreach (var shard in checkpoint.Shards)
            foreach (var entry in shard.Entries)
                _ = shard.Read(entry);
    }

    /// <summary>The streaming compressor's output (int8 or k-means codes + metadata), decoded to float32.</summary>
    static void Checkpoint(byte[] input)
    {
        using var checkpoint = CompressedCheckpoint.Open(ScratchFile("compressed.safetensors", input));
        foreach (var name in checkpoint.Tensors)
            _ = checkpoint.ReadFloat32(name);
    }

    /// <summary>
    /// Any Condense model file in safetensors, read the way <c>condense eval</c> reads it (<see cref="Workflows.ModelFiles"/>):
    /// CNNs (LeNet-5, VGG, ResNet) and hashed CNNs, whose metadata names the network to build before a tensor is read.
    /// </summary>
    static void Model(byte[] input)
    {
        var (model, _) = Workflows.ModelFiles.Load(ScratchFile("model.safetensors", input), Workflows.ModelFileFormat.Safetensors);
        using (model) _ = model.ParameterCount;
    }

    /// <summary>A HashedNets model: pools and biases in safetensors, hashing settings in its metadata.</summary>
    static void Hashed(byte[] input)
    {
        using var model = HashedModelFile.Load(ScratchFile("hashed.safetensors", input));
        _ = model.VirtualLayers.Count;
    }
}

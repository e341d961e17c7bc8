using System.Buffers.Binary;
using Condense.Formats;

namespace Condense.Streaming;

/// <summary>
/// Writes a seeded synthetic sharded checkpoint shaped like a LLaMA-7B decoder (embedding and
/// LM head 32000×4096; per layer q/k/v/o 4096×4096, gate/up 11008×4096, down 4096×11008, two
/// 4096 norms) with as many layers as reach the requested size, for benchmarks of models bigger
/// than memory. Values: roughly Gaussian (σ = 0.02, Irwin–Hall of four uniforms) with one value
/// in 4096 eight times larger, the outliers real weight matrices have; norms near 1. Generated
/// and written chunk by chunk, so memory stays small; the same seed gives the same bytes.
/// </summary>
public static class SyntheticCheckpoint
{
    /// <summary>Metadata key recording how a synthetic checkpoint was generated, so it can be regenerated.</summary>
    public const string SpecKey = "condense.synthetic";

    /// <summary>The layer sizes; <see cref="Llama7B"/> is the default, smaller ones make test models.</summary>
    public sealed record Shape(int Hidden, int Intermediate, int Vocabulary)
    {
        /// <summary>Llama-7B's layer sizes (4096 hidden, 11008 intermediate, 32000 vocabulary).</summary>
        public static Shape Llama7B { get; } = new(4096, 11008, 32000);
    }

    /// <summary>The tensors (name, shape) of a model of <paramref name="layers"/> layers.</summary>
    public static List<(string Name, long[] Shape)> Tensors(Shape shape, int layers)
    {
        long h = shape.Hidden, m = shape.Intermediate, v = shape.Vocabulary;
        var list = new List<(string, long[])> { ("model.embed_tokens.weight", [v, h]) };
        for (var i = 0; i < layers; i++)
        {
            var p = $"model.layers.{i}.";
            list.Add((p + "self_attn.q_proj.weight", [h, h]));
            list.Add((p + "self_attn.k_proj.weight", [h, h]));
            list.Add((p + "self_attn.v_proj.weight", [h, h]));
            list.Add((p + "self_attn.o_proj.weight", [h, h]));
            list.Add((p + "mlp.gate_proj.weight", [m, h]));
            list.Add((p + "mlp.up_proj.weight", [m, h]));
            list.Add((p + "mlp.down_proj.weight", [h, m]));
            list.Add((p + "input_layernorm.weight", [h]));
            list.Add((p + "post_attention_layernorm.weight", [h]));
        }
        list.Add(("model.norm.weight", [h]));
        list.Add(("lm_head.weight", [v, h]));
        return list;
    }

    /// <summary>Layers needed for at least <paramref name="bytes"/> of tensor data (at least one).</summary>
    public static int LayersFor(Shape shape, long bytes, TensorDType dtype)
    {
        long size = dtype.SizeOf();
        long fixedBytes = (2L * shape.Vocabulary * shape.Hidden + shape.Hidden) * size;
        long layer = (4L * shape.Hidden * shape.Hidden + 3L * shape.Intermediate * shape.Hidden + 2L * shape.Hidden) * size;
        return (int)Math.Max(1, (bytes - fixedBytes + layer - 1) / layer);
    }

    /// <summary>
    /// Generates the model into <paramref name="folder"/> unless a complete one with the same
    /// specification is already there (the index, written last, records it). Returns true when it
    /// generated, false when it reused.
    /// </summary>
    public static bool Generate(string folder, long bytes, TensorDType dtype, int seed, Shape? shape = null, long shardBytes = 0, int workers = 2)
    {
        if (dtype is not (TensorDType.F32 or TensorDType.BF16 or TensorDType.F16))
            throw new CondenseException($"synthetic models are F32, BF16 or F16, not {dtype.ToSafetensorsName()}");
        shape ??= Shape.Llama7B;
        var layers = LayersFor(shape, bytes, dtype);
        var tensors = Tensors(shape, layers);
        var total = tensors.Sum(t => NamedTensor.ElementCountOf(t.Shape)!.Value * dtype.SizeOf());
        if (shardBytes <= 0) shardBytes = Math.Clamp(total / 4, 1, 5_000_000_000L);
        var spec = $"hidden={shape.Hidden};intermediate={shape.Intermediate};vocabulary={shape.Vocabulary};layers={layers};dtype={dtype.ToSafetensorsName()};seed={seed};shard_bytes={shardBytes}";
        var indexPath = Path.Combine(folder, ShardIndex.FileName);
        if (File.Exists(indexPath))
        {
            try
            {
                if (ShardIndex.Read(indexPath).Metadata.GetValueOrDefault(SpecKey) == spec) return false;
            }
            catch (InvalidFileException) { }
        }
        Directory.CreateDirectory(folder);
        foreach (var old in Directory.GetFiles(folder, "model-*-of-*.safetensors")) File.Delete(old);
        if (File.Exists(indexPath)) File.Delete(indexPath);

        var shards = new List<List<int>> { new() };
        long inShard = 0;
        for (var i = 0; i < tensors.Count; i++)
        {
            var size = NamedTensor.ElementCountOf(tensors[i].Shape)!.Value * dtype.SizeOf();
            if (inShard > 0 && inShard + size > shardBytes) { shards.Add([]); inShard = 0; }
            shards[^1].Add(i);
            inShard += size;
        }
        var map = new List<KeyValuePair<string, string>>();
        for (var s = 0; s < shards.Count; s++)
        {
            var name = ShardIndex.ShardName(s + 1, shards.Count);
            var members = shards[s];
            AtomicFile.Write(Path.Combine(folder, name), stream =>
            {
                var writer = new SafetensorsStreamWriter(stream, members.Select(i => (tensors[i].Name, dtype, tensors[i].Shape)),
                    new Dictionary<string, string> { ["format"] = "pt" });
                foreach (var i in members) WriteTensor(writer, i, tensors[i].Name, tensors[i].Shape, dtype, seed, workers);
                writer.Complete();
            });
            map.AddRange(members.Select(i => new KeyValuePair<string, string>(tensors[i].Name, name)));
        }
        var metadata = new Dictionary<string, string> { ["total_size"] = total.ToString(System.Globalization.CultureInfo.InvariantCulture), [SpecKey] = spec };
        AtomicFile.WriteAllBytes(indexPath, new ShardIndex(map, metadata).ToJson());
        return true;
    }

    const int ChunkElements = 1 << 20;

    static void WriteTensor(SafetensorsStreamWriter writer, int index, string name, long[] shape, TensorDType dtype, int seed, int workers)
    {
        var count = NamedTensor.ElementCountOf(shape)!.Value;
        var isNorm = shape.Length == 1;
        var chunks = (int)((count + ChunkElements - 1) / ChunkElements);
        var size = dtype.SizeOf();
        // Generate a batch of chunks in parallel, write it in order.
        var batch = Math.Max(1, workers) * 2;
        var buffers = new byte[batch][];
        for (var b = 0; b < batch; b++) buffers[b] = new byte[ChunkElements * size];
        for (var start = 0; start < chunks; start += batch)
        {
            var n = Math.Min(batch, chunks - start);
            Parallel.For(0, n, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, workers) }, b =>
            {
                var c = start + b;
                var len = (int)Math.Min(ChunkElements, count - (long)c * ChunkElements);
                Fill(buffers[b].AsSpan(0, len * size), dtype, Mix((ulong)seed, (ulong)index, (ulong)c), isNorm);
            });
            for (var b = 0; b < n; b++)
            {
                var len = (int)Math.Min(ChunkElements, count - (long)(start + b) * ChunkElements);
                writer.Write(buffers[b].AsSpan(0, len * size));
            }
        }
    }

    static ulong Mix(ulong a, ulong b, ulong c)
    {
        var x = a * 0x9E3779B97F4A7C15UL ^ (b + 0x632BE59BD9B4E019UL) * 0xBF58476D1CE4E5B9UL ^ (c + 1) * 0x94D049BB133111EBUL;
        return SplitMix(ref x);
    }

    static ulong SplitMix(ref ulong state)
    {
        var z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    static void Fill(Span<byte> destination, TensorDType dtype, ulong state, bool isNorm)
    {
        var size = dtype.SizeOf();
        var n = destination.Length / size;
        const float Sigma = 0.02f;
        const float Unit = 1f / 65536f;
        var sqrt3 = MathF.Sqrt(3f);
        for (var i = 0; i < n; i++)
        {
            var r = SplitMix(ref state);
            // Irwin–Hall of four 16-bit uniforms ≈ N(2, 1/3); rescaled to N(0, 1).
            var sum = ((r & 0xFFFF) + ((r >> 16) & 0xFFFF) + ((r >> 32) & 0xFFFF) + (r >> 48) + 2f) * Unit;
            var z = (sum - 2f) * sqrt3;
            var v = isNorm ? 1f + 0.05f * z : Sigma * z * ((r * 0x9E3779B97F4A7C15UL) >> 52 == 0 ? 8f : 1f);
            switch (dtype)
            {
                case TensorDType.F32: BinaryPrimitives.WriteSingleLittleEndian(destination[(4 * i)..], v); break;
                case TensorDType.F16: BinaryPrimitives.WriteHalfLittleEndian(destination[(2 * i)..], (Half)v); break;
                default:
                    // Round to nearest even, as torch's bfloat16 conversion does.
                    var bits = BitConverter.SingleToUInt32Bits(v);
                    bits += 0x7FFF + ((bits >> 16) & 1);
                    BinaryPrimitives.WriteUInt16LittleEndian(destination[(2 * i)..], (ushort)(bits >> 16));
                    break;
            }
        }
    }
}

using Condense.Formats;
using Condense.Streaming;

namespace Condense.Tests.Streaming;

/// <summary>Small seeded sharded checkpoints of LLaMA's layout (hidden 64), several chunks per big tensor.</summary>
public static class StreamTestModels
{
    public static readonly SyntheticCheckpoint.Shape Tiny = new(64, 172, 1000);

    /// <summary>About 1.5 MB in 5 shards (F32) or 0.8 MB (BF16).</summary>
    public static string Create(string folder, TensorDType dtype = TensorDType.F32, int seed = 7)
    {
        SyntheticCheckpoint.Generate(folder, 1_200_000 / 4 * dtype.SizeOf(), dtype, seed, Tiny, shardBytes: 320_000 / 4 * dtype.SizeOf(), workers: 2);
        return folder;
    }

    public static readonly StreamOptions SmallChunks = new() { Workers = 2, ChunkBytes = 64 << 10 };

    public static Dictionary<string, byte[]> Files(string folder) =>
        Directory.GetFiles(folder).ToDictionary(p => Path.GetFileName(p), File.ReadAllBytes);

    public sealed class Tick(Action<StreamProgress> action) : IProgress<StreamProgress>
    {
        public void Report(StreamProgress value) => action(value);
    }
}

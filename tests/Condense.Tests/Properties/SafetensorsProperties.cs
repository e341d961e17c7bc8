using Condense.Formats;
using FsCheck.Xunit;

namespace Condense.Tests.Properties;

/// <summary>Safetensors: whatever Condense writes, it reads back bit for bit (names, dtypes, shapes, bytes, metadata).</summary>
public class SafetensorsProperties
{
    static readonly string[] NameParts = ["fc1.weight", "layer.0", "ä/β", "x", "a b", "emb\"q\\", "🙂", "bias"];

    [Property(MaxTest = 100)]
    public void Read_of_write_is_the_identity(int seed, byte countKnob, bool withMetadata)
    {
        var rng = new Random(seed);
        int count = countKnob % 6;
        var dtypes = Enum.GetValues<TensorDType>();
        var tensors = new List<NamedTensor>();
        for (int t = 0; t < count; t++)
        {
            var dtype = dtypes[rng.Next(dtypes.Length)];
            var shape = new long[rng.Next(5)];                 // rank 0 (a scalar) to 4
            for (int d = 0; d < shape.Length; d++) shape[d] = rng.Next(5);   // zero-size dimensions included
            long elements = shape.Aggregate(1L, (a, b) => a * b);
            var data = new byte[elements * dtype.SizeOf()];
            rng.NextBytes(data);
            if (dtype == TensorDType.Bool) for (int i = 0; i < data.Length; i++) data[i] &= 1;
            var name = NameParts[rng.Next(NameParts.Length)] + "." + t;
            tensors.Add(new NamedTensor(name, dtype, shape, data));
        }
        var metadata = new Dictionary<string, string>();
        if (withMetadata)
            for (int i = 0; i < rng.Next(4); i++) metadata[NameParts[rng.Next(NameParts.Length)] + i] = NameParts[rng.Next(NameParts.Length)] + "\n\t" + rng.Next();

        var path = Path.Combine(Path.GetTempPath(), $"condense-prop-{Environment.ProcessId}-{Guid.NewGuid():N}.safetensors");
        try
        {
            SafetensorsWriter.Write(path, tensors, metadata);
            var (read, readMetadata) = SafetensorsReader.ReadAll(path);
            Assert.Equal(tensors.Count, read.Count);
            var byName = read.ToDictionary(r => r.Name);
            foreach (var t in tensors)
            {
                var r = byName[t.Name];
                Assert.Equal(t.DType, r.DType);
                Assert.Equal(t.Shape, r.Shape);
                Assert.Equal(t.Data, r.Data);
            }
            Assert.Equal(metadata.OrderBy(kv => kv.Key), readMetadata.OrderBy(kv => kv.Key));
        }
        finally
        {
            File.Delete(path);
        }
    }
}

using System.IO.Compression;
using Condense.Formats;
using Condense.Formats.Onnx;
using Condense.DeepCompression;
using Condense.Hashing;
using Condense.Imaging;
using Condense.Models.Cnn;
using Condense.Pruning;
using Condense.Streaming;
using Onnx;
using SkiaSharp;

namespace Condense.Fuzz;

/// <summary>Small valid files made by Condense itself: the seed corpora committed under tests/Fuzz/seeds/.</summary>
public static class Seeds
{
    public static void Write(string root)
    {
        SafetensorsSeeds(Dir(root, "safetensors"));
        IdxSeeds(Dir(root, "idx"));
        OnnxSeeds(Dir(root, "onnx"));
        ImageSeeds(Dir(root, "image"));
        ContainerSeeds(Dir(root, "container"));
        SparseSeeds(Dir(root, "sparse"));
        ShardSeeds(Dir(root, "shards"));
        CheckpointSeeds(Dir(root, "checkpoint"));
        HashedSeeds(Dir(root, "hashed"));
        ModelSeeds(Dir(root, "model"));
        DataSeeds.Write(name => Dir(root, name));
    }

    static void ContainerSeeds(string dir)
    {
        const int rows = 6, cols = 8;
        var indices = new int[rows * cols];
        for (int i = 0; i < indices.Length; i++) indices[i] = i % 5 == 0 ? 1 + i % 3 : 0;   // mostly pruned
        float[] book = [0f, -0.5f, 0.25f, 1f];
        foreach (var gapBits in new[] { 1, 3 })
        {
            var layer = SparseSharedLayer.Encode("fc1", rows, cols, 2, gapBits, book, indices, new float[rows]);
            CompressedContainer.Write(Path.Combine(dir, $"gap{gapBits}.cdc"), new Dictionary<string, string> { ["architecture"] = "LeNet300" }, [layer]);
        }
    }

    static void SparseSeeds(string dir)
    {
        var w = new float[6 * 8];
        for (int i = 0; i < w.Length; i += 3) w[i] = 0.125f * (i - 20);
        SparseModelFile.Write(Path.Combine(dir, "pruned.safetensors"),
            [NamedTensor.FromFloat32("fc1.weight", w, 6, 8), NamedTensor.FromFloat32("fc1.bias", new float[6], 6)],
            new Dictionary<string, string> { ["condense.kind"] = "LeNet300" });
    }

    /// <summary>The two shards the "shards" target places beside every fuzzed index.</summary>
    public static void WriteShards(string folder)
    {
        SafetensorsWriter.Write(Path.Combine(folder, FuzzTargets.ShardFiles[0]),
            [NamedTensor.FromFloat32("fc1.weight", [0.5f, -1f, 2f, 0f, 1.5f, -0.25f], 2, 3), NamedTensor.FromFloat32("fc1.bias", [1f, -1f], 2)]);
        SafetensorsWriter.Write(Path.Combine(folder, FuzzTargets.ShardFiles[1]),
            [new NamedTensor("fc2.weight", TensorDType.BF16, [1, 2], [0x80, 0x3f, 0x00, 0xc0])]);
    }

    static void ShardSeeds(string dir)
    {
        var index = new ShardIndex(
            [new("fc1.weight", FuzzTargets.ShardFiles[0]), new("fc1.bias", FuzzTargets.ShardFiles[0]), new("fc2.weight", FuzzTargets.ShardFiles[1])],
            new Dictionary<string, string> { ["total_size"] = "36" });
        File.WriteAllBytes(Path.Combine(dir, ShardIndex.FileName), index.ToJson());
    }

    /// <summary>A small checkpoint compressed by the streaming pipeline with each method.</summary>
    static void CheckpointSeeds(string dir)
    {
        var work = Directory.CreateTempSubdirectory("condense-fuzz-seeds").FullName;
        try
        {
            var source = Path.Combine(work, "model.safetensors");
            var rng = new Random(3);
            var w = Enumerable.Range(0, 64).Select(_ => (float)(rng.NextDouble() - 0.5)).ToArray();
            SafetensorsWriter.Write(source, [NamedTensor.FromFloat32("w", w, 8, 8), NamedTensor.FromFloat32("b", [1f, 2f], 2)]);
            foreach (ITensorCompressor compressor in new ITensorCompressor[] { new Int8PerChannelCompressor(minElements: 16), new KMeans8Compressor(minElements: 16) })
            {
                var output = Path.Combine(work, compressor.Method);
                StreamCompressor.Run(source, output, compressor);
                File.Copy(Directory.GetFiles(output, "*.safetensors").Single(), Path.Combine(dir, compressor.Method + ".safetensors"), overwrite: true);
            }
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>Small hashed networks: one hash and two (multi-hashing), and the structured variant.</summary>
    static void HashedSeeds(string dir)
    {
        foreach (var (name, options) in new[]
        {
            ("hashed-8x", new HashingOptions { Factor = 8, Seed = 1 }),
            ("hashed-4x-2hashes", new HashingOptions { Factor = 4, Hashes = 2, Seed = 2 }),
            ("structured-4x", new HashingOptions { Factor = 4, Variant = HashingVariant.Structured, Seed = 3 }),
        })
        {
            using var model = new HashedMlp([6, 5, 3], options);
            HashedModelFile.Save(Path.Combine(dir, name + ".safetensors"), model);
        }
    }

    /// <summary>Tiny CNN model files: a VGG-BN, a ResNet, a narrow LeNet-5 and a hashed VGG (metadata names the network).</summary>
    static void ModelSeeds(string dir)
    {
        TorchSharp.torch.manual_seed(4);
        using (var vgg = new VggNet("2,M,3,M")) Workflows.ModelFiles.Save(Path.Combine(dir, "vgg.safetensors"), vgg);
        using (var resnet = new ResNet(1, 1)) Workflows.ModelFiles.Save(Path.Combine(dir, "resnet.safetensors"), resnet);
        using (var lenet = new LeNet5(width: 0.2)) Workflows.ModelFiles.Save(Path.Combine(dir, "lenet5.safetensors"), lenet);
        using var hashed = new HashedCnn(new VggNet("2,M,3,M"), new HashingOptions { Factor = 4, Seed = 5 });
        Workflows.ModelFiles.Save(Path.Combine(dir, "hashed-vgg.safetensors"), hashed);
    }

    static string Dir(string root, string name) => Directory.CreateDirectory(Path.Combine(root, name)).FullName;

    static void SafetensorsSeeds(string dir)
    {
        SafetensorsWriter.Write(Path.Combine(dir, "two-tensors.safetensors"),
            [NamedTensor.FromFloat32("fc1.weight", [0.5f, -1f, 2f, 0f, 1.5f, -0.25f], 2, 3), NamedTensor.FromFloat32("fc1.bias", [1f, -1f], 2)],
            new Dictionary<string, string> { ["condense.kind"] = "classifier" });
        SafetensorsWriter.Write(Path.Combine(dir, "dtypes.safetensors"),
        [
            new NamedTensor("h", TensorDType.F16, [2], [0x00, 0x3c, 0x00, 0xc0]),
            new NamedTensor("b", TensorDType.BF16, [1], [0x80, 0x3f]),
            new NamedTensor("i", TensorDType.I8, [1, 3], [1, 2, 255]),
            new NamedTensor("s", TensorDType.F64, [], new byte[8]),
            new NamedTensor("e", TensorDType.I32, [0, 4], []),
        ]);
    }

    static void IdxSeeds(string dir)
    {
        byte[] images = [0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 2, 0, 64, 128, 255, 1, 2, 3, 4];
        byte[] labels = [0, 0, 8, 1, 0, 0, 0, 3, 7, 2, 1];
        File.WriteAllBytes(Path.Combine(dir, "images.idx"), images);
        File.WriteAllBytes(Path.Combine(dir, "labels.idx"), labels);
        using var gz = new MemoryStream();
        using (var z = new GZipStream(gz, CompressionLevel.Optimal, leaveOpen: true)) z.Write(images);
        File.WriteAllBytes(Path.Combine(dir, "images.idx.gz"), gz.ToArray());
    }

    static void OnnxSeeds(string dir)
    {
        var model = Mlp();
        OnnxWriter.Write(Path.Combine(dir, "mlp.onnx"), model);
        // The same model compressed by Condense: k-means codebooks (Gather) and int8 (DequantizeLinear).
        var read = OnnxReader.Read(Path.Combine(dir, "mlp.onnx"));
        OnnxWriter.Write(Path.Combine(dir, "mlp-kmeans.onnx"),
            OnnxCompressor.Compress(read, new OnnxCompressionOptions(OnnxCompressionMethod.KMeans, Bits: 3, MinSize: 1)).Model);
        OnnxWriter.Write(Path.Combine(dir, "mlp-int8.onnx"),
            OnnxCompressor.Compress(read, new OnnxCompressionOptions(OnnxCompressionMethod.Linear, Bits: 8, PerChannel: true, MinSize: 1)).Model);
        // External data: the target places a 256-byte weights.bin beside every input.
        var external = Mlp();
        var b = external.Graph.Initializer.First(t => t.Name == "b1");
        b.ClearRawData();
        b.FloatData.Clear();
        b.DataLocation = TensorProto.Types.DataLocation.External;
        b.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = "weights.bin" });
        b.ExternalData.Add(new StringStringEntryProto { Key = "offset", Value = "16" });
        b.ExternalData.Add(new StringStringEntryProto { Key = "length", Value = "96" });
        OnnxWriter.Write(Path.Combine(dir, "mlp-external.onnx"), external);
    }

    static ModelProto Mlp()
    {
        var rng = new Random(1);
        float[] W(int n) => Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() - 0.5)).ToArray();
        var graph = new GraphProto { Name = "mlp" };
        graph.Input.Add(Value("x", 1, 16));
        graph.Output.Add(Value("y", 1, 4));
        graph.Initializer.Add(OnnxTensorData.FromFloat32("w1", W(384), [16, 24]));
        graph.Initializer.Add(OnnxTensorData.FromFloat32("b1", W(24), [24]));
        graph.Initializer.Add(OnnxTensorData.FromFloat32("w2", W(96), [24, 4]));
        graph.Node.Add(Node("MatMul", ["x", "w1"], "h0"));
        graph.Node.Add(Node("Add", ["h0", "b1"], "h1"));
        graph.Node.Add(Node("Relu", ["h1"], "h2"));
        graph.Node.Add(Node("MatMul", ["h2", "w2"], "y"));
        var model = new ModelProto { IrVersion = 8, ProducerName = "condense", Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Version = 13 });
        return model;
    }

    static ValueInfoProto Value(string name, params long[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var d in dims) shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = 1, Shape = shape } } };
    }

    static NodeProto Node(string op, string[] inputs, string output)
    {
        var n = new NodeProto { OpType = op };
        n.Input.AddRange(inputs);
        n.Output.Add(output);
        return n;
    }

    static void ImageSeeds(string dir)
    {
        const int w = 6, h = 4;
        var indices = new byte[w * h];
        for (int i = 0; i < indices.Length; i++) indices[i] = (byte)(i % 3);
        File.WriteAllBytes(Path.Combine(dir, "indexed.png"),
            IndexedPngWriter.Encode(w, h, [new Rgb24(255, 0, 0), new Rgb24(0, 128, 0), new Rgb24(10, 20, 200)], indices));
        using var bitmap = new SKBitmap(w, h);
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) bitmap.SetPixel(x, y, new SKColor((byte)(40 * x), (byte)(60 * y), 128));
        using var image = SKImage.FromBitmap(bitmap);
        foreach (var (format, ext) in new[] { (SKEncodedImageFormat.Png, "png"), (SKEncodedImageFormat.Jpeg, "jpg"), (SKEncodedImageFormat.Webp, "webp") })
        {
            using var data = image.Encode(format, 80);
            File.WriteAllBytes(Path.Combine(dir, "rgb." + ext), data.ToArray());
        }
    }
}

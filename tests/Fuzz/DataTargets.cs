using Condense.Calibration;
using Condense.Formats.Npy;
using Condense.Formats.Onnx;
using Condense.Formats.Text;
using Google.Protobuf;
using Onnx;
using DataType = Onnx.TensorProto.Types.DataType;

namespace Condense.Fuzz;

/// <summary>
/// Fuzz targets for the calibration-data readers (issue 17): NumPy <c>.npy</c> and <c>.npz</c>,
/// WordPiece vocabularies (loaded into BertTokenizer and used), and whole image folders resolved
/// against a small image model (listing, text skipping, decoding, resampling, split, labels).
/// </summary>
public static class DataTargets
{
    /// <summary>Separates files in an "imagefolder" input; a file starting with '/' goes in a class folder.</summary>
    public static readonly byte[] FileSeparator = "\n--file--\n"u8.ToArray();

    /// <summary>An .npz may inflate to <see cref="NpzReader.MaxRatio"/> times its size, held twice (member bytes and the parsed array).</summary>
    public static long NpzBudget(long inputBytes) => 2 * NpzReader.MaxRatio * inputBytes + (4L << 20);

    public static void Npy(byte[] input)
    {
        var array = NpyReader.Parse(input, "x", "input.npy");
        _ = array.ElementCount;
    }

    public static void Npz(byte[] input)
    {
        using var stream = new MemoryStream(input, writable: false);
        foreach (var array in NpzReader.Read(stream, "input.npz", input.Length)) _ = array.ElementCount;
    }

    public static void Vocab(byte[] input)
    {
        var tokenizer = VocabReader.Parse(input, "vocab.txt");
        _ = tokenizer.EncodeToIds("Condense reads the vocabulary, then tokenizes unbelievable sentences!");
    }

    static readonly OnnxModel ImageModel = TinyImageModel();

    public static void ImageFolder(byte[] input)
    {
        var folder = Path.Combine(FuzzTargets.Scratch, "photos");
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        Directory.CreateDirectory(folder);
        int index = 0;
        foreach (var part in Split(input))
        {
            var classFolder = part.Length > 0 && part[0] == '/';
            var dir = classFolder ? Path.Combine(folder, $"class{index % 2}") : folder;
            Directory.CreateDirectory(dir);
            File.WriteAllBytes(Path.Combine(dir, $"f{index++}"), classFolder ? part[1..] : part);
            if (index >= 16) break;
        }
        var spec = new DataSpec(folder, Count: 12, Augment: 1, Image: new ImagePreprocessing { MaxPixels = 1 << 20 });
        var data = CalibrationDataLoader.Load(ImageModel, spec);
        _ = data.Calibration.Count + data.HeldOut.Count;
    }

    static List<byte[]> Split(byte[] input)
    {
        var parts = new List<byte[]>();
        var rest = input.AsSpan();
        while (true)
        {
            var at = rest.IndexOf(FileSeparator);
            if (at < 0) { parts.Add(rest.ToArray()); return parts; }
            parts.Add(rest[..at].ToArray());
            rest = rest[(at + FileSeparator.Length)..];
        }
    }

    static OnnxModel TinyImageModel()
    {
        var shape = new TensorShapeProto();
        foreach (var d in new long[] { 1, 3, 8, 8 }) shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
        var graph = new GraphProto { Name = "fuzz" };
        graph.Input.Add(new ValueInfoProto { Name = "pixels", Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)DataType.Float, Shape = shape } } });
        graph.Output.Add(new ValueInfoProto { Name = "out", Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)DataType.Float } } });
        graph.Node.Add(new NodeProto { OpType = "Identity", Input = { "pixels" }, Output = { "out" } });
        var model = new ModelProto { IrVersion = 7, Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 13 });
        return OnnxReader.Parse(model.ToByteArray(), "fuzz.onnx");
    }
}

using Condense.Formats.Onnx;
using Google.Protobuf;
using Onnx;

namespace Condense.Tests.Formats.Onnx;

/// <summary>
/// Hostile and broken models: the reader throws <see cref="InvalidFileException"/> (and nothing
/// else), the CLI prints one line and exits 1, and nothing is written.
/// </summary>
public sealed class OnnxHostileTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("condense-onnx-hostile").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    public static TheoryData<string, string> Cases() => new()
    {
        { "empty", "empty file" },
        { "truncated", "truncated" },
        { "huge-length-prefix", "truncated" },
        { "raw-data-length", "raw_data holds 8 bytes but dims [10] of FLOAT need 40" },
        { "float-data-count", "float_data holds 3 values but dims [2, 2] need 4" },
        { "absurd-dims", "absurd" },
        { "overflowing-dims", "absurd" },
        { "negative-dim", "negative dimension" },
        { "external-escapes", "leaves the model's folder" },
        { "external-absolute", "must be relative" },
        { "external-too-short", "runs past the end" },
        { "external-offset-past-end", "external offset 100 is past the end of its 12-byte file" },
        { "external-length-mismatch", "external data holds 8 bytes but dims [4] of FLOAT need 16" },
        { "external-negative-offset", "is not a non-negative integer" },
        { "cyclic", "cycle" },
        { "dangling-input", "dangling input" },
        { "dangling-output", "dangling output" },
        { "produced-twice", "produced twice" },
        { "deep-nesting", "not a valid ONNX protobuf" },
        { "no-graph", "no graph" },
        { "unknown-dtype", "unknown data type" },
    };

    string Make(string kind)
    {
        var path = Path.Combine(dir, kind + ".onnx");
        var bytes = kind switch
        {
            "empty" => [],
            "truncated" => Valid().ToByteArray()[..^7],
            // Field 7 (graph), length-delimited, claiming ~2 GiB in a 10-byte file.
            "huge-length-prefix" => [0x08, 0x08, 0x3A, 0xFF, 0xFF, 0xFF, 0xFF, 0x07, 0x0A, 0x00],
            "raw-data-length" => WithInitializer(Raw("w", [10], new byte[8])),
            "float-data-count" => WithInitializer(Typed("w", [2, 2], 3)),
            "absurd-dims" => WithInitializer(Raw("w", [1_000_000_000_000], new byte[4])),
            "overflowing-dims" => WithInitializer(Raw("w", [1L << 40, 1L << 40, 1L << 40], new byte[4])),
            "negative-dim" => WithInitializer(Raw("w", [-4], new byte[4])),
            "external-escapes" => WithInitializer(External("w", "../secret.bin")),
            "external-absolute" => WithInitializer(External("w", "/etc/hostname")),
            "external-too-short" => WithInitializer(External("w", "weights.bin")),
            "external-offset-past-end" => WithInitializer(External("w", "weights.bin", entries: [("offset", "100")])),
            "external-length-mismatch" => WithInitializer(External("w", "weights.bin", entries: [("offset", "0"), ("length", "8")])),
            "external-negative-offset" => WithInitializer(External("w", "weights.bin", entries: [("offset", "-4")])),
            "cyclic" => Graph(g =>
            {
                g.Node.Add(Node("Relu", "b", "a"));
                g.Node.Add(Node("Relu", "a", "b"));
                g.Output[0].Name = "b";
            }),
            "dangling-input" => Graph(g => g.Node[0].Input[0] = "nowhere"),
            "dangling-output" => Graph(g => g.Output[0].Name = "nothing_makes_this"),
            "produced-twice" => Graph(g => g.Node.Add(Node("Relu", "x", "y"))),
            "deep-nesting" => Nested(200),
            "no-graph" => new ModelProto { IrVersion = 8 }.ToByteArray(),
            "unknown-dtype" => WithInitializer(new TensorProto { Name = "w", DataType = 99, RawData = ByteString.CopyFrom(new byte[4]) }),
            _ => throw new ArgumentException(kind),
        };
        File.WriteAllBytes(path, bytes);
        File.WriteAllBytes(Path.Combine(dir, "weights.bin"), new byte[12]);
        return path;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Reader_throws_invalid_file_naming_the_problem(string kind, string problem)
    {
        var path = Make(kind);
        var ex = Assert.Throws<InvalidFileException>(() => OnnxReader.Read(path));
        Assert.Equal(path, ex.Source);
        Assert.Contains(problem, ex.Message);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Cli_prints_one_line_exits_non_zero_and_writes_nothing(string kind, string problem)
    {
        var path = Make(kind);
        var output = Path.Combine(dir, "out.onnx");
        var (code, stdout, stderr) = CliHarness.Run("compress", path, "--method", "kmeans", "--bits", "4", "-o", output);
        Assert.Equal(1, code);
        Assert.Equal("", stdout);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("condense: error: " + path, line);
        Assert.Contains(problem, line);
        Assert.False(File.Exists(output));
        Assert.Empty(Directory.GetFiles(dir, "*.tmp"));

        var info = CliHarness.Run("info", path);
        Assert.Equal(1, info.Code);
        Assert.StartsWith("condense: error: ", info.Stderr);
    }

    [Fact]
    public void External_data_inside_the_folder_is_read()
    {
        var weights = new float[] { 1.5f, -2f, 3.25f };
        File.WriteAllBytes(Path.Combine(dir, "w.bin"), [0, 0, .. weights.SelectMany(BitConverter.GetBytes)]);
        var t = External("w", "w.bin", dims: [3]);
        t.ExternalData.Add(new StringStringEntryProto { Key = "offset", Value = "2" });
        t.ExternalData.Add(new StringStringEntryProto { Key = "length", Value = "12" });
        var path = Path.Combine(dir, "external.onnx");
        File.WriteAllBytes(path, WithInitializer(t));
        var model = OnnxReader.Read(path);
        model.LoadExternalData();
        Assert.Equal(weights, OnnxTensorData.ToFloat32(model.Proto.Graph.Initializer[0]));
    }

    [Fact]
    public void Compress_refuses_to_overwrite_its_input()
    {
        var path = Path.Combine(dir, "m.onnx");
        File.WriteAllBytes(path, Valid().ToByteArray());
        var before = File.ReadAllBytes(path);
        var (code, _, stderr) = CliHarness.Run("compress", path, "--method", "fp16", "-o", path);
        Assert.Equal(1, code);
        Assert.Contains("overwrite the input", stderr);
        Assert.Equal(before, File.ReadAllBytes(path));
    }

    static ModelProto Valid()
    {
        var graph = new GraphProto { Name = "g" };
        graph.Input.Add(new ValueInfoProto { Name = "x", Type = FloatType(2) });
        graph.Output.Add(new ValueInfoProto { Name = "y", Type = FloatType(2) });
        graph.Node.Add(Node("Relu", "x", "y"));
        var model = new ModelProto { IrVersion = 8, Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Version = 13 });
        return model;
    }

    static TypeProto FloatType(params long[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var d in dims) shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
        return new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = 1, Shape = shape } };
    }

    static NodeProto Node(string op, string input, string output)
    {
        var n = new NodeProto { OpType = op };
        n.Input.Add(input);
        n.Output.Add(output);
        return n;
    }

    static byte[] Graph(Action<GraphProto> change)
    {
        var model = Valid();
        change(model.Graph);
        return model.ToByteArray();
    }

    static byte[] WithInitializer(TensorProto t) => Graph(g =>
    {
        g.Initializer.Add(t);
        var add = new NodeProto { OpType = "Add" };
        add.Input.Add("y");
        add.Input.Add(t.Name);
        add.Output.Add("z");
        g.Node.Add(add);
        g.Output[0].Name = "z";
    });

    static TensorProto Raw(string name, long[] dims, byte[] data)
    {
        var t = new TensorProto { Name = name, DataType = 1, RawData = ByteString.CopyFrom(data) };
        t.Dims.AddRange(dims);
        return t;
    }

    static TensorProto Typed(string name, long[] dims, int count)
    {
        var t = new TensorProto { Name = name, DataType = 1 };
        t.Dims.AddRange(dims);
        t.FloatData.AddRange(Enumerable.Repeat(1f, count));
        return t;
    }

    static TensorProto External(string name, string location, long[]? dims = null, (string Key, string Value)[]? entries = null)
    {
        if (entries is not null)
        {
            var e = new TensorProto { Name = name, DataType = 1, DataLocation = TensorProto.Types.DataLocation.External };
            e.Dims.AddRange(dims ?? [4]);
            e.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = location });
            foreach (var (key, value) in entries) e.ExternalData.Add(new StringStringEntryProto { Key = key, Value = value });
            return e;
        }
        var t = new TensorProto { Name = name, DataType = 1, DataLocation = TensorProto.Types.DataLocation.External };
        t.Dims.AddRange(dims ?? [4]);
        t.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = location });
        if (location == "weights.bin") t.ExternalData.Add(new StringStringEntryProto { Key = "length", Value = "16" });
        return t;
    }

    /// <summary>A model whose graph nests If-node subgraphs <paramref name="depth"/> deep.</summary>
    static byte[] Nested(int depth)
    {
        var inner = new GraphProto { Name = "leaf" };
        for (int i = 0; i < depth; i++)
        {
            var node = new NodeProto { OpType = "If" };
            node.Attribute.Add(new AttributeProto { Name = "then_branch", Type = AttributeProto.Types.AttributeType.Graph, G = inner });
            inner = new GraphProto { Name = $"level{i}" };
            inner.Node.Add(node);
        }
        var model = new ModelProto { IrVersion = 8, Graph = inner };
        return model.ToByteArray();
    }
}

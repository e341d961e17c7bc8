using System.Diagnostics;
using System.Text.Json;
using Condense.Formats;

namespace Condense.Tests.Formats;

public class SafetensorsRoundTripTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("condense-st-").FullName;
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    static byte[] Bytes(int count, int seed)
    {
        var b = new byte[count];
        new Random(seed).NextBytes(b);
        return b;
    }

    public static TheoryData<TensorDType> AllTypes() => new(Enum.GetValues<TensorDType>());

    [Theory]
    [MemberData(nameof(AllTypes))]
    public void EveryDTypeRoundTripsByteForByte(TensorDType dtype)
    {
        var data = Bytes(2 * 3 * 5 * dtype.SizeOf(), (int)dtype);
        if (dtype == TensorDType.Bool) data = data.Select(b => (byte)(b & 1)).ToArray();
        var tensors = new[]
        {
            new NamedTensor("a", dtype, [2, 3, 5], data),
            new NamedTensor("scalar", dtype, [], data[..dtype.SizeOf()]),
            new NamedTensor("empty", dtype, [0, 4], []),
        };
        var path = Path.Combine(_dir, $"{dtype}.safetensors");
        SafetensorsWriter.Write(path, tensors, new Dictionary<string, string> { ["k"] = "v ✓" });

        var (read, metadata) = SafetensorsReader.ReadAll(path);
        Assert.Equal("v ✓", metadata["k"]);
        Assert.Equal(tensors.Select(t => t.Name), read.Select(t => t.Name));
        for (var i = 0; i < tensors.Length; i++)
        {
            Assert.Equal(dtype, read[i].DType);
            Assert.Equal(tensors[i].Shape, read[i].Shape);
            Assert.Equal(tensors[i].Data, read[i].Data);
        }
    }

    [Fact]
    public void HeaderIsPaddedSoDataStartsEightByteAligned()
    {
        var path = Path.Combine(_dir, "align.safetensors");
        SafetensorsWriter.Write(path, [NamedTensor.FromFloat32("x", [1f, 2f, 3f], 3)]);
        using var reader = SafetensorsReader.Open(path);
        Assert.Equal(0, reader.DataStart % 8);
        Assert.Equal(new FileInfo(path).Length, reader.DataStart + 12);
    }

    [Fact]
    public void ConversionsToFloat32AreExact()
    {
        var half = new NamedTensor("h", TensorDType.F16, [2], BitConverter.GetBytes((Half)1.5).Concat(BitConverter.GetBytes((Half)(-2.25))).ToArray());
        Assert.Equal(new[] { 1.5f, -2.25f }, half.ToFloat32());
        // bfloat16 is the top half of a float32: 0x3FC0 is 1.5.
        var bf = new NamedTensor("b", TensorDType.BF16, [1], [0xC0, 0x3F]);
        Assert.Equal(new[] { 1.5f }, bf.ToFloat32());
        var i8 = new NamedTensor("i", TensorDType.I8, [2], [0xFF, 0x05]);
        Assert.Equal(new[] { -1f, 5f }, i8.ToFloat32());
    }

    [Fact]
    public void FileIsValidUnderTheReferenceRulesCheckedByAnIndependentReader()
    {
        var path = Path.Combine(_dir, "ref.safetensors");
        var values = Enumerable.Range(0, 12).Select(i => i * 0.5f - 2f).ToArray();
        SafetensorsWriter.Write(path,
        [
            NamedTensor.FromFloat32("w", values, 3, 4),
            new NamedTensor("h", TensorDType.F16, [2], BitConverter.GetBytes((Half)1.5).Concat(BitConverter.GetBytes((Half)2.0)).ToArray()),
            new NamedTensor("n", TensorDType.I64, [2], BitConverter.GetBytes(7L).Concat(BitConverter.GetBytes(-3L)).ToArray()),
        ], new Dictionary<string, string> { ["format"] = "pt" });

        var script = Path.Combine(TestPaths.RepoRoot, "tests", "tools", "safetensors_reference_check.py");
        var psi = new ProcessStartInfo("/usr/bin/python3", [script, path]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEnd();
        var error = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, error);
        var lines = output.Trim().Split('\n').Select(l => JsonDocument.Parse(l).RootElement).ToList();
        double Sum(string name) => lines.Single(l => l.TryGetProperty("name", out var n) && n.GetString() == name).GetProperty("sum").GetDouble();
        Assert.Equal(values.Sum(), Sum("w"), 5);
        Assert.Equal(3.5, Sum("h"), 9);
        Assert.Equal(4.0, Sum("n"), 9);
        Assert.Equal("pt", lines[^1].GetProperty("metadata").GetProperty("format").GetString());
    }

    [Fact]
    public void WritingReplacesAtomicallyAndLeavesNoTemporaryFiles()
    {
        var path = Path.Combine(_dir, "atomic.safetensors");
        SafetensorsWriter.Write(path, [NamedTensor.FromFloat32("x", [1f], 1)]);
        SafetensorsWriter.Write(path, [NamedTensor.FromFloat32("y", [2f, 3f], 2)]);
        Assert.Equal(["atomic.safetensors"], Directory.GetFiles(_dir).Select(Path.GetFileName));
        Assert.Equal("y", SafetensorsReader.ReadAll(path).Tensors.Single().Name);
        // A failing write leaves the old file as it was.
        Assert.Throws<CondenseException>(() => SafetensorsWriter.Write(path, [NamedTensor.FromFloat32("z", [1f], 1), NamedTensor.FromFloat32("z", [1f], 1)]));
        Assert.Equal("y", SafetensorsReader.ReadAll(path).Tensors.Single().Name);
        Assert.Single(Directory.GetFiles(_dir));
    }
}

using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using DataType = Onnx.TensorProto.Types.DataType;

namespace Condense.Formats.Npy;

/// <summary>
/// Reads NumPy's <c>.npy</c> format (versions 1.0, 2.0 and 3.0): the magic <c>\x93NUMPY</c>, a
/// version, a header length and a Python dict literal giving <c>descr</c>, <c>fortran_order</c>
/// and <c>shape</c>, then the raw elements. Every size is checked against the bytes actually
/// present before anything is allocated, so a header that claims a huge shape costs nothing; a
/// big-endian array is byte-swapped; Fortran order, object and structured dtypes are refused.
/// </summary>
public static partial class NpyReader
{
    /// <summary>The six bytes every <c>.npy</c> file starts with.</summary>
    public static ReadOnlySpan<byte> Magic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>The largest array read (2 GiB less a little: one managed byte array).</summary>
    public const long MaxBytes = int.MaxValue - 4096;

    /// <summary>True when <paramref name="head"/> begins like a <c>.npy</c> file.</summary>
    public static bool LooksLikeNpy(ReadOnlySpan<byte> head) => head.StartsWith(Magic);

    /// <summary>Reads the <c>.npy</c> file at <paramref name="path"/>; the array is named after the file.</summary>
    public static NpyArray Read(string path)
    {
        var length = FileLength(path);
        if (length > MaxBytes) throw new InvalidFileException(path, $"{length} bytes is more than the {MaxBytes}-byte limit for one array");
        return Parse(File.ReadAllBytes(path), Path.GetFileNameWithoutExtension(path), path);
    }

    /// <summary>Parses <c>.npy</c> bytes held in memory; <paramref name="source"/> names them in errors.</summary>
    public static NpyArray Parse(ReadOnlySpan<byte> bytes, string name, string source)
    {
        if (!LooksLikeNpy(bytes)) throw new InvalidFileException(source, "not a .npy file (no \\x93NUMPY magic)");
        if (bytes.Length < 10) throw new InvalidFileException(source, "truncated .npy header");
        int major = bytes[6];
        int headerLength, offset;
        switch (major)
        {
            case 1:
                headerLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes[8..]);
                offset = 10;
                break;
            case 2 or 3:
                if (bytes.Length < 12) throw new InvalidFileException(source, "truncated .npy header");
                var h = BinaryPrimitives.ReadUInt32LittleEndian(bytes[8..]);
                if (h > (uint)(bytes.Length - 12)) throw new InvalidFileException(source, $"the header claims {h} bytes but the file has {bytes.Length - 12} after it");
                headerLength = (int)h;
                offset = 12;
                break;
            default:
                throw new InvalidFileException(source, $"unsupported .npy version {major}.{bytes[7]}");
        }
        if (headerLength > bytes.Length - offset) throw new InvalidFileException(source, $"the header claims {headerLength} bytes but the file has {bytes.Length - offset} after it");
        string header;
        try
        {
            header = (major == 3 ? new UTF8Encoding(false, true) : Encoding.Latin1).GetString(bytes.Slice(offset, headerLength));
        }
        catch (DecoderFallbackException)
        {
            throw new InvalidFileException(source, "the header is not valid UTF-8");
        }
        var (type, size, bigEndian, shape) = ParseHeader(header, source);
        var data = bytes[(offset + headerLength)..];
        var count = Condense.Formats.Onnx.OnnxTensorData.ElementCount(shape, MaxBytes / size);
        if (count < 0) throw new InvalidFileException(source, $"shape ({string.Join(", ", shape)}) is over the {MaxBytes}-byte limit");
        if (count * size != data.Length)
            throw new InvalidFileException(source, $"shape ({string.Join(", ", shape)}) needs {count * size} bytes of data but the file has {data.Length}"
                + (count * size > data.Length ? " (truncated)" : ""));
        var result = data.ToArray();
        if (bigEndian && size > 1)
        {
            for (int i = 0; i < result.Length; i += size) Array.Reverse(result, i, size);
        }
        return new NpyArray(name, type, shape, result);
    }

    static (DataType Type, int Size, bool BigEndian, long[] Shape) ParseHeader(string header, string source)
    {
        var descr = DescrPattern().Match(header);
        if (!descr.Success) throw new InvalidFileException(source, "the header has no 'descr'");
        var fortran = FortranPattern().Match(header);
        if (!fortran.Success) throw new InvalidFileException(source, "the header has no 'fortran_order'");
        if (fortran.Groups[1].Value == "True")
            throw new InvalidFileException(source, "Fortran-order arrays are not supported (save with numpy.ascontiguousarray)");
        var shapeMatch = ShapePattern().Match(header);
        if (!shapeMatch.Success) throw new InvalidFileException(source, "the header has no 'shape' tuple");
        var shape = new List<long>();
        foreach (var part in shapeMatch.Groups[1].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var digits = part.EndsWith('L') ? part[..^1] : part;
            if (!long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var d))
                throw new InvalidFileException(source, $"shape entry '{Trim(part)}' is not a non-negative integer");
            shape.Add(d);
        }
        if (shape.Count > 32) throw new InvalidFileException(source, $"{shape.Count} dimensions is more than 32");
        var d0 = descr.Groups[1].Value;
        var order = d0[0];
        var code = order is '<' or '>' or '|' or '=' ? d0[1..] : d0;
        bool big = order == '>';
        var (type, size) = code switch
        {
            "f4" => (DataType.Float, 4),
            "f8" => (DataType.Double, 8),
            "f2" => (DataType.Float16, 2),
            "i8" => (DataType.Int64, 8),
            "i4" => (DataType.Int32, 4),
            "i2" => (DataType.Int16, 2),
            "i1" => (DataType.Int8, 1),
            "u8" => (DataType.Uint64, 8),
            "u4" => (DataType.Uint32, 4),
            "u2" => (DataType.Uint16, 2),
            "u1" => (DataType.Uint8, 1),
            "b1" => (DataType.Bool, 1),
            _ => throw new InvalidFileException(source, $"dtype '{Trim(d0)}' is not supported (use a float, int, uint or bool dtype)"),
        };
        return (type, size, big, shape.ToArray());
    }

    static string Trim(string s) => s.Length > 40 ? s[..40] + "…" : s;

    internal static long FileLength(string path)
    {
        if (!File.Exists(path)) throw new CondenseException($"{path}: no such file");
        return new FileInfo(path).Length;
    }

    [GeneratedRegex(@"['""]descr['""]\s*:\s*['""]([<>|=]?[a-zA-Z]\d{0,2})['""]")]
    private static partial Regex DescrPattern();

    [GeneratedRegex(@"['""]fortran_order['""]\s*:\s*(True|False)")]
    private static partial Regex FortranPattern();

    [GeneratedRegex(@"['""]shape['""]\s*:\s*\(([^()]{0,1000})\)")]
    private static partial Regex ShapePattern();
}

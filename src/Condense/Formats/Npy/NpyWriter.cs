using System.Text;
using DataType = Onnx.TensorProto.Types.DataType;

namespace Condense.Formats.Npy;

/// <summary>
/// Writes arrays as NumPy <c>.npy</c> (version 1.0, little-endian, C order) so data Condense
/// resolves can be saved and reloaded by NumPy, and tests can make files by the spec's rules.
/// </summary>
public static class NpyWriter
{
    /// <summary>The <c>.npy</c> bytes of <paramref name="array"/>.</summary>
    public static byte[] ToBytes(NpyArray array)
    {
        var shape = array.Shape.Length switch
        {
            0 => "()",
            1 => $"({array.Shape[0]},)",
            _ => $"({string.Join(", ", array.Shape)})",
        };
        var dict = $"{{'descr': '{Descr(array.Type)}', 'fortran_order': False, 'shape': {shape}, }}";
        // The header (magic, version, length, dict, padding, newline) is a multiple of 64 bytes.
        var total = (10 + dict.Length + 1 + 63) / 64 * 64;
        var header = dict.PadRight(total - 10 - 1) + "\n";
        var result = new byte[total + array.Data.Length];
        NpyReader.Magic.CopyTo(result);
        result[6] = 1;
        result[7] = 0;
        result[8] = (byte)(header.Length & 0xff);
        result[9] = (byte)(header.Length >> 8);
        Encoding.Latin1.GetBytes(header, result.AsSpan(10));
        array.Data.CopyTo(result, total);
        return result;
    }

    /// <summary>Writes <paramref name="array"/> to <paramref name="path"/> through <see cref="AtomicFile"/>.</summary>
    public static void Write(string path, NpyArray array) => AtomicFile.WriteAllBytes(path, ToBytes(array));

    static string Descr(DataType type) => type switch
    {
        DataType.Float => "<f4",
        DataType.Double => "<f8",
        DataType.Float16 => "<f2",
        DataType.Int64 => "<i8",
        DataType.Int32 => "<i4",
        DataType.Int16 => "<i2",
        DataType.Int8 => "|i1",
        DataType.Uint64 => "<u8",
        DataType.Uint32 => "<u4",
        DataType.Uint16 => "<u2",
        DataType.Uint8 => "|u1",
        DataType.Bool => "|b1",
        _ => throw new CondenseException($"element type {type} has no .npy dtype"),
    };
}

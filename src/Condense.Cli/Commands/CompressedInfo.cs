using System.CommandLine;
using Condense.DeepCompression;
using Condense.Formats;
using Condense.Pruning;
using Spectre.Console;

namespace Condense.Cli.Commands;

/// <summary>
/// The <c>.csparse</c> and <c>.cdz</c> branches of <c>condense info</c>: per tensor or layer what
/// is stored and how dense it is, and the metadata — so a user can see what pruning or Deep
/// Compression left without decoding the model by hand.
/// </summary>
public static class CompressedInfo
{
    public static int Sparse(ParseResult parse, string path, bool json)
    {
        var (tensors, metadata) = SparseModelFile.Read(path);
        var rows = tensors.Select(t =>
        {
            var values = t.ToFloat32();
            long nonzero = values.Count(v => v != 0);
            return (t.Name, Shape: t.Shape, Elements: (long)values.Length, Nonzero: nonzero);
        }).ToList();
        var bytes = new FileInfo(path).Length;
        if (json)
        {
            CliConsole.WriteJson(parse, new
            {
                file = path,
                format = "csparse",
                bytes,
                tensors = rows.Select(r => new { name = r.Name, shape = r.Shape, elements = r.Elements, nonzero = r.Nonzero, density = Density(r.Nonzero, r.Elements) }),
                metadata,
            });
            return 0;
        }
        var console = CliConsole.For(parse);
        var table = new Table().AddColumns("tensor", "shape", "elements", "non-zero", "density");
        foreach (var r in rows)
            table.AddRow(Markup.Escape(r.Name), Markup.Escape($"[{string.Join(", ", r.Shape)}]"), r.Elements.ToString("N0"), r.Nonzero.ToString("N0"), Density(r.Nonzero, r.Elements).ToString("P2"));
        console.Write(table);
        var elements = rows.Sum(r => r.Elements);
        var nonzeros = rows.Sum(r => r.Nonzero);
        console.WriteLine($"{path}: sparse model (.csparse), {rows.Count} tensors, {nonzeros:N0} of {elements:N0} weights non-zero ({Density(nonzeros, elements):P2}), {bytes:N0} bytes");
        WriteMetadata(console, metadata);
        return 0;
    }

    public static int DeepCompression(ParseResult parse, string path, bool json)
    {
        var (metadata, layers) = CompressedContainer.Read(path);
        var bytes = new FileInfo(path).Length;
        if (json)
        {
            CliConsole.WriteJson(parse, new
            {
                file = path,
                format = "cdz",
                bytes,
                layers = layers.Select(l => new
                {
                    name = l.Name, rows = l.Rows, columns = l.Columns, bits = l.Bits, gapBits = l.GapBits, entries = l.Entries,
                    huffmanBytes = l.Gaps.StreamBytes + l.Gaps.TableBytes + l.Indices.StreamBytes + l.Indices.TableBytes,
                }),
                metadata,
            });
            return 0;
        }
        var console = CliConsole.For(parse);
        var table = new Table().AddColumns("layer", "shape", "index bits", "gap bits", "entries", "stored entries / weights", "Huffman bytes");
        foreach (var l in layers)
        {
            var huffman = l.Gaps.StreamBytes + l.Gaps.TableBytes + l.Indices.StreamBytes + l.Indices.TableBytes;
            table.AddRow(Markup.Escape(l.Name), Markup.Escape($"[{l.Rows}, {l.Columns}]"), l.Bits.ToString(), l.GapBits.ToString(), l.Entries.ToString("N0"),
                Density(l.Entries, (long)l.Rows * l.Columns).ToString("P2"), huffman.ToString("N0"));
        }
        console.Write(table);
        console.WriteLine($"{path}: Deep Compression container (.cdz), {layers.Count} layers, {bytes:N0} bytes (entries include the filler zeros that bridge long gaps)");
        WriteMetadata(console, metadata);
        return 0;
    }

    static double Density(long part, long whole) => whole == 0 ? 0 : (double)part / whole;

    static void WriteMetadata(Spectre.Console.IAnsiConsole console, IReadOnlyDictionary<string, string> metadata)
    {
        foreach (var (k, v) in metadata.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            console.WriteLine($"  {k} = {v}");
    }
}

using TorchSharp;
using static TorchSharp.torch;

namespace Condense.Quantization.Gptq;

/// <summary>
/// Streams the rows x of a layer's input into H = Σ x xᵀ (the GPTQ Hessian up to a factor 2) and
/// counts them, so a calibration set never has to be held at once: memory is one float32 n×n
/// matrix (4·n² bytes; 85 MB for n = 4608, a 3×3 conv over 512 channels) plus a buffer of
/// <see cref="BatchRows"/> pending rows, whatever the sample count.
/// </summary>
/// <remarks>
/// Rows are buffered until there are <see cref="BatchRows"/> of them (a 7×7 feature map gives 49
/// per image: one rank-49 update of a 4608² matrix would be bound by memory, not arithmetic), then
/// added by LibTorch's <c>addmm</c> on the blocks on and above the diagonal only — H is symmetric,
/// so the blocks below are copied from their mirror when H is read: about 55 % of the arithmetic of
/// the full XᵀX for n ≥ 2304, which is what makes the ~2 TFLOP of ResNet18's XᵀX on 64 images
/// affordable. Float32 sums of a few hundred samples lose about 1e-6 relative, far below anything
/// quantization can see; the order of the sums (and so the last bits) depends on the batching.
/// </remarks>
public sealed class HessianAccumulator : IDisposable
{
    /// <summary>Rows buffered before one product is added to H.</summary>
    public const int BatchRows = 512;

    /// <summary>Input positions of pending images that trigger one <see cref="ConvolutionGram"/> pass (fewer, larger products).</summary>
    const int ImagePositions = 8192;

    /// <summary>Width of the blocks H is accumulated in (n ≤ this: one block, the whole product).</summary>
    const int BlockWidth = 384;

    readonly int[] blockStarts;
    readonly bool keepRows;
    // Full 512-row batches kept as rows while fewer than n rows were seen: H is formed only when read.
    readonly List<float[]> kept = [];
    // Images of a stride-1 convolution waiting for ConvolutionGram ([C, H, W] each), and their geometry.
    readonly List<float[]> pendingImages = [];
    ConvGeometry? imageGeometry;
    Tensor? h;
    float[] pending = [];
    int pendingRows;
    bool mirrored = true;

    /// <param name="size">n, the number of input features (columns of the layer's weight matrix).</param>
    /// <param name="keepRows">
    /// Keep the rows while they are fewer than n (quadratic forms from them cost less than from H,
    /// as held-out errors on few samples need), forming H when the n-th row arrives or H is read.
    /// False: H from the first batch on. A caller whose memory is bounded by H and that always
    /// reads H (GPTQ's calibration statistics) passes false: forming H from the kept rows holds
    /// both at once (2·4n² bytes), and layers of the same width all cross n at the same sample.
    /// </param>
    public HessianAccumulator(int size, bool keepRows = true)
    {
        if (size <= 0) throw new CondenseException($"a Hessian needs at least one feature, not {size}");
        Size = size;
        this.keepRows = keepRows;
        int blocks = (size + BlockWidth - 1) / BlockWidth;
        blockStarts = [.. Enumerable.Range(0, blocks + 1).Select(b => (int)((long)b * size / blocks))];
    }

    /// <summary>n: the matrix is n×n.</summary>
    public int Size { get; }

    /// <summary>Rows (input vectors) added so far.</summary>
    public long Count { get; private set; }

    /// <summary>Bytes the accumulator holds (H, or the rows while they are fewer than n, and the pending rows' buffer); never more than H and the buffer.</summary>
    public long Bytes => (h is null ? 4L * kept.Sum(k => (long)k.Length) : 4L * Size * Size) + 4L * pending.Length + 4L * pendingImages.Sum(i => (long)i.Length);

    /// <summary>Adds the rows of <paramref name="rows"/> (row-major, <paramref name="rowCount"/> × n).</summary>
    public void Add(ReadOnlySpan<float> rows, int rowCount) => Add(rows, rowCount, null);

    /// <summary>
    /// As the span overload, but a batch of at least <see cref="BatchRows"/> rows is multiplied
    /// straight from <paramref name="rows"/> (LibTorch reads the pinned array): no copy of it, where
    /// the span overload copies every such batch twice (once out of the span, once more by
    /// <c>torch.tensor</c>) — 7 GB of fresh memory for ResNet18's im2col rows on 64 images.
    /// The same values reach the same product, so H is the same to the last bit.
    /// </summary>
    public void Add(float[] rows, int rowCount)
    {
        ArgumentNullException.ThrowIfNull(rows);
        Add(rows, rowCount, rows);
    }

    /// <summary>As <see cref="Add(float[], int)"/> for the first <paramref name="rowCount"/> rows of a longer (pooled) array.</summary>
    internal void AddPrefix(float[] rows, int rowCount)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rowCount < 0 || (long)rowCount * Size > rows.Length)
            throw new CondenseException($"{rows.Length} values do not hold {rowCount} rows of {Size} features");
        Add(rows.AsSpan(0, rowCount * Size), rowCount, rows);
    }

    /// <summary>
    /// Whether <paramref name="rows"/> more rows would have H formed (no rows kept for quadratic forms):
    /// only then may they come as images (<see cref="AddImages"/>).
    /// </summary>
    internal bool FormsMatrixWith(long rows) => !keepRows || h is not null || Count + rows > Size;

    /// <summary>
    /// Adds the im2col rows of <paramref name="images"/> images ([images, C, H, W] row-major) of a stride-1
    /// convolution without making them: buffered, then summed by <see cref="ConvolutionGram"/>
    /// (a fraction of the arithmetic of the rows' product; equal to it to float32 rounding).
    /// </summary>
    internal void AddImages(ReadOnlySpan<float> images, int count, ConvGeometry g)
    {
        ArgumentNullException.ThrowIfNull(g);
        if (!ConvolutionGram.Applies(g) || g.PatchSize != Size) throw new CondenseException($"{g} is not a stride-1 convolution of {Size} features");
        int image = g.InChannels * g.Height * g.Width;
        if (count < 0 || images.Length != (long)count * image) throw new CondenseException($"{images.Length} values are not {count} images of {g.InChannels}×{g.Height}×{g.Width}");
        if (count == 0) return;
        if (imageGeometry is not null && imageGeometry != g) FlushImages();
        imageGeometry = g;
        for (int i = 0; i < count; i++) pendingImages.Add(images.Slice(i * image, image).ToArray());
        Count += (long)count * g.Patches;
        mirrored = false;
        if ((long)pendingImages.Count * g.Height * g.Width >= ImagePositions) FlushImages();
    }

    /// <summary>Sums the pending images into H now (on the caller's thread), rather than on the first read.</summary>
    internal void FlushImages()
    {
        if (pendingImages.Count == 0) return;
        var g = imageGeometry!;
        using var scope = NewDisposeScope();
        var nchw = cat([.. pendingImages.Select(i => frombuffer(i, ScalarType.Float32))], 0).view(pendingImages.Count, g.InChannels, g.Height, g.Width);
        ConvolutionGram.Add(Full(), nchw.permute(0, 2, 3, 1).contiguous(), g);
        pendingImages.Clear();
    }

    void Add(ReadOnlySpan<float> rows, int rowCount, float[]? array)
    {
        if (rowCount < 0 || (long)rowCount * Size != rows.Length)
            throw new CondenseException($"{rows.Length} values are not {rowCount} rows of {Size} features");
        if (rowCount == 0) return;
        Count += rowCount;
        mirrored = false;
        if (pendingRows == 0 && rowCount >= BatchRows && (!keepRows || Count > Size))
        {
            if (array is not null) AddProduct(Full(), array, rowCount);
            else AddProduct(Full(), rows.ToArray(), rowCount);
            return;
        }
        if (pending.Length == 0) pending = new float[BatchRows * Size];
        while (rowCount > 0)
        {
            int take = Math.Min(rowCount, BatchRows - pendingRows);
            rows[..(take * Size)].CopyTo(pending.AsSpan(pendingRows * Size));
            pendingRows += take;
            rows = rows[(take * Size)..];
            rowCount -= take;
            if (pendingRows == BatchRows) Flush();
        }
    }

    void Flush()
    {
        if (pendingRows == 0) return;
        if (keepRows && h is null && pendingRows == BatchRows && Count <= Size)
        {
            // Fewer rows than features so far: a quadratic form costs less from the rows than from H.
            kept.Add(pending);
            pending = new float[BatchRows * Size];
        }
        else AddProduct(Full(), pending, pendingRows);
        pendingRows = 0;
    }

    // H, formed from the kept rows the first time it is needed.
    Tensor Full()
    {
        if (h is not null) return h;
        h = zeros(Size, Size, dtype: ScalarType.Float32).DetachFromDisposeScope(); // owned by the accumulator, whatever scope reads first
        foreach (var rows in kept) AddProduct(h, rows, BatchRows);
        kept.Clear();
        return h;
    }

    // H's blocks on and above the diagonal += Xᵢᵀ Xⱼ (column blocks of X, the first rowCount rows of the
    // array, read in place: frombuffer pins the array for the tensor's life, inside this scope); strided
    // views, no copies of H.
    void AddProduct(Tensor h, float[] rows, int rowCount)
    {
        using var scope = NewDisposeScope();
        var x = frombuffer(rows, ScalarType.Float32, (long)rowCount * Size).view(rowCount, Size);
        int blocks = blockStarts.Length - 1;
        for (int i = 0; i < blocks; i++)
        {
            int a = blockStarts[i], wa = blockStarts[i + 1] - a;
            var xi = x.narrow(1, a, wa).t();
            for (int j = i; j < blocks; j++)
            {
                int b = blockStarts[j], wb = blockStarts[j + 1] - b;
                h.narrow(0, a, wa).narrow(1, b, wb).addmm_(xi, x.narrow(1, b, wb));
            }
        }
    }

    // Adds the pending rows and copies every block above the diagonal to its mirror below.
    Tensor Complete()
    {
        FlushImages();
        if (pendingRows > 0) AddProduct(Full(), pending, pendingRows);
        pendingRows = 0;
        var h = Full();
        if (mirrored) return h;
        using var scope = NewDisposeScope();
        int blocks = blockStarts.Length - 1;
        for (int i = 0; i < blocks; i++)
            for (int j = i + 1; j < blocks; j++)
            {
                int a = blockStarts[i], wa = blockStarts[i + 1] - a, b = blockStarts[j], wb = blockStarts[j + 1] - b;
                h.narrow(0, b, wb).narrow(1, a, wa).copy_(h.narrow(0, a, wa).narrow(1, b, wb).t());
            }
        mirrored = true;
        pending = [];
        return h;
    }

    /// <summary>H = Σ x xᵀ as a row-major n×n array (double, for the solver).</summary>
    public double[] ToArray()
    {
        using var scope = NewDisposeScope();
        return Complete().to_type(ScalarType.Float64).data<double>().ToArray();
    }

    /// <summary>H itself (float32, owned by the accumulator: read, never modify or dispose; formed on first read).</summary>
    internal Tensor Matrix => Complete();

    /// <summary>H as a new float64 tensor (the caller disposes it).</summary>
    public Tensor ToTensor() => Complete().to_type(ScalarType.Float64);

    /// <summary>
    /// tr(A H Aᵀ) = Σ‖A x‖² over the rows added, for each matrix A (rows × n, row-major) in
    /// <paramref name="matrices"/>: one float32 product for all of them, without copying H out.
    /// </summary>
    public double[] Quadratics(int rows, params float[][] matrices)
    {
        ArgumentNullException.ThrowIfNull(matrices);
        foreach (var m in matrices)
            if (m.Length != (long)rows * Size) throw new CondenseException($"{m.Length} values are not {rows} rows of {Size} features");
        using var scope = NewDisposeScope();
        var a = cat(matrices.Select(m => tensor(m, new long[] { rows, Size })).ToArray(), 0);
        if (h is null && keepRows && Count <= Size)
        {
            // Σ‖A x‖² straight from the rows x (fewer than n of them): m·n·Count instead of m·n².
            var x = cat([.. kept.Select(k => frombuffer(k, ScalarType.Float32).view(BatchRows, Size)), tensor(pending.AsSpan(0, pendingRows * Size).ToArray(), new long[] { pendingRows, Size })], 0);
            var ax = a.mm(x.t());
            return (ax * ax).sum(1).to_type(ScalarType.Float64).view(matrices.Length, rows).sum(1).data<double>().ToArray();
        }
        var full = Complete();
        var perRow = (a.mm(full) * a).sum(1).to_type(ScalarType.Float64).view(matrices.Length, rows).sum(1);
        return perRow.data<double>().ToArray();
    }

    /// <summary>Frees the accumulated Hessian (LibTorch memory).</summary>
    public void Dispose() => h?.Dispose();
}

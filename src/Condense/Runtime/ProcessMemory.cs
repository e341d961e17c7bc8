namespace Condense.Runtime;

/// <summary>
/// Gives memory back to the system between the stages of a long job. Large models pass through
/// several short-lived copies (a model's serialised bytes, an ONNX Runtime session's initializers
/// and optimised graph, a layer's n×n statistics); the managed heap keeps freed large-object
/// regions until a full collection, and glibc keeps freed native pages, so without this the
/// resident set is the sum of the stages' peaks rather than the largest one.
/// </summary>
public static class ProcessMemory
{
    /// <summary>A full, compacting collection (finalizers run, so disposed-by-finalizer native handles are freed too), then the native heap trimmed.</summary>
    public static void Release()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        TrimNativeHeap();
    }

    /// <summary>Hands freed native heap pages back to the system (glibc's <c>malloc_trim</c>; nothing elsewhere).</summary>
    public static void TrimNativeHeap()
    {
        if (!OperatingSystem.IsLinux()) return;
        try { MallocTrim(0); }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException) { }
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "malloc_trim")]
    static extern int MallocTrim(nuint pad);
}

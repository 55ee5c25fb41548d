using System;
using System.Diagnostics;
using System.IO;
using System.Runtime.InteropServices;
using TorchSharp;

namespace NetDsl
{
    /// <summary>The severities of LibTorch's own C++ log (c10's <c>LOG(...)</c> and <c>TORCH_WARN</c>), in c10's numbering.</summary>
    public enum TorchLogSeverity
    {
        Info = 0,
        Warning = 1,
        Error = 2,
        Fatal = 3,
    }

    /// <summary>
    /// Keeps LibTorch's internal warnings off a NetDsl user's console. LibTorch writes its C++ warnings straight to stderr,
    /// once per call: on CPUs NNPACK does not support, every convolution prints
    /// <c>Could not initialize NNPACK! Reason: Unsupported hardware.</c> (about 1,700 lines for the samples' main command).
    /// c10 prints a message only when its severity is at least <c>FLAGS_caffe2_log_level</c>, an <c>int</c> exported by
    /// libc10; NetDsl raises it from <see cref="TorchLogSeverity.Warning"/> (LibTorch's default) to
    /// <see cref="TorchLogSeverity.Error"/>, so errors still print. LibTorch's own switch, the environment variable
    /// <c>TORCH_CPP_LOG_LEVEL</c>, is read only by PyTorch's Python module: a TorchSharp process ignores it.
    /// <para>
    /// Generated networks apply it themselves: every <see cref="Stage"/> calls <see cref="EnsureApplied"/> (once per process,
    /// then a flag check), so it holds whether or not the application used <c>torch</c> before. The level is decided from
    /// <see cref="EnvironmentVariable"/> (<c>INFO</c>, <c>WARNING</c>, <c>ERROR</c>, <c>FATAL</c>, or <c>0</c>..<c>3</c>;
    /// <c>keep</c> leaves LibTorch's level alone), else from the user's own <see cref="TorchEnvironmentVariable"/> (same
    /// values, now honoured), else <see cref="DefaultLevel"/>. <see cref="Level"/> reads it and <see cref="Set"/> sets it at any time.
    /// </para>
    /// </summary>
    public static class TorchLogging
    {
        /// <summary>NetDsl's override: a severity (<c>INFO</c>, <c>WARNING</c>, <c>ERROR</c>, <c>FATAL</c>, <c>0</c>..<c>3</c>) or <c>keep</c>.</summary>
        public const string EnvironmentVariable = "NETDSL_TORCH_LOG_LEVEL";

        /// <summary>LibTorch's own variable (PyTorch's documented switch), honoured when <see cref="EnvironmentVariable"/> is unset.</summary>
        public const string TorchEnvironmentVariable = "TORCH_CPP_LOG_LEVEL";

        /// <summary>The level NetDsl sets when neither variable is set: warnings are dropped, errors print.</summary>
        public const TorchLogSeverity DefaultLevel = TorchLogSeverity.Error;

        /// <summary>The exported c10 flag the level lives in.</summary>
        public const string FlagSymbol = "FLAGS_caffe2_log_level";

        private static readonly object gate = new();
        private static volatile bool applied;
        private static IntPtr flag;

        /// <summary>What <see cref="EnsureApplied"/> did and why (null before it ran).</summary>
        public static string? Reason { get; private set; }

        /// <summary>
        /// Applies the decided level once per process (see the class remarks); later calls return at once. Loads
        /// TorchSharp's native backend first if nothing has yet. An invalid <see cref="EnvironmentVariable"/> throws
        /// <see cref="ArgumentException"/> (every call, until it is fixed).
        /// </summary>
        public static void EnsureApplied()
        {
            if (applied) return;
            lock (gate)
            {
                if (applied) return;
                var level = Decide(Environment.GetEnvironmentVariable(EnvironmentVariable), Environment.GetEnvironmentVariable(TorchEnvironmentVariable), out string why);
                if (level is { } l)
                    why += SetLevel(l) ? $": {FlagSymbol} = {(int)l}" : $"; {FlagSymbol} not found, LibTorch's level is unchanged";
                Reason = why;
                applied = true;
            }
        }

        /// <summary>
        /// The startup decision: <paramref name="netdsl"/> (<see cref="EnvironmentVariable"/>) when set, <c>null</c> for
        /// <c>keep</c>; otherwise <paramref name="torch"/> (<see cref="TorchEnvironmentVariable"/>) when it is a valid level;
        /// otherwise <see cref="DefaultLevel"/>.
        /// </summary>
        public static TorchLogSeverity? Decide(string? netdsl, string? torch, out string why)
        {
            if (!string.IsNullOrWhiteSpace(netdsl))
            {
                if (netdsl.Trim().Equals("keep", StringComparison.OrdinalIgnoreCase))
                {
                    why = $"{EnvironmentVariable}={netdsl}: LibTorch's level is kept";
                    return null;
                }
                why = $"{EnvironmentVariable}={netdsl}";
                return Parse(netdsl) ?? throw new ArgumentException(
                    $"{EnvironmentVariable}='{netdsl}': expected INFO, WARNING, ERROR, FATAL (or 0, 1, 2, 3) or keep");
            }
            if (!string.IsNullOrWhiteSpace(torch))
            {
                if (Parse(torch) is { } level)
                {
                    why = $"{TorchEnvironmentVariable}={torch}";
                    return level;
                }
                why = $"{TorchEnvironmentVariable}='{torch}' is not a level (INFO, WARNING, ERROR, FATAL, 0..3); NetDsl's default {DefaultLevel}";
                return DefaultLevel;
            }
            why = $"NetDsl's default {DefaultLevel}";
            return DefaultLevel;
        }

        /// <summary>A level as c10 spells it: a name (any case) or its number.</summary>
        public static TorchLogSeverity? Parse(string? text) => text?.Trim().ToUpperInvariant() switch
        {
            "0" or "INFO" => TorchLogSeverity.Info,
            "1" or "WARNING" => TorchLogSeverity.Warning,
            "2" or "ERROR" => TorchLogSeverity.Error,
            "3" or "FATAL" => TorchLogSeverity.Fatal,
            _ => null,
        };

        /// <summary>LibTorch's current level, read from <see cref="FlagSymbol"/>; null where libc10 does not export it.</summary>
        public static TorchLogSeverity? Level
        {
            get
            {
                IntPtr address = Flag();
                return address == IntPtr.Zero ? null : (TorchLogSeverity)Marshal.ReadInt32(address);
            }
        }

        /// <summary>
        /// Sets LibTorch's level for every later message; it counts as applied (<see cref="EnsureApplied"/> then leaves it).
        /// Throws <see cref="PlatformNotSupportedException"/> where libc10 does not export <see cref="FlagSymbol"/>.
        /// </summary>
        public static void Set(TorchLogSeverity level)
        {
            lock (gate)
            {
                if (!SetLevel(level)) throw new PlatformNotSupportedException($"libc10 does not export {FlagSymbol} here");
                Reason = $"set to {level} by the application";
                applied = true;
            }
        }

        private static bool SetLevel(TorchLogSeverity level)
        {
            IntPtr address = Flag();
            if (address == IntPtr.Zero) return false;
            Marshal.WriteInt32(address, (int)level);
            return true;
        }

        /// <summary>
        /// The flag's address in the libc10 this process already runs. TorchSharp loads it first (its own search: beside
        /// TorchSharp.dll or its consolidated copy); the module list gives that file, so a second copy is never loaded.
        /// </summary>
        private static IntPtr Flag()
        {
            if (flag != IntPtr.Zero) return flag;
            torch.InitializeDeviceType(DeviceType.CPU); // loads LibTorch unless loaded; a no-op after
            string? path = LoadedLibC10();
            if (path is not null && NativeLibrary.TryLoad(path, out IntPtr handle) && NativeLibrary.TryGetExport(handle, FlagSymbol, out IntPtr address))
                flag = address;
            return flag;
        }

        private static string? LoadedLibC10()
        {
            using var process = Process.GetCurrentProcess();
            foreach (ProcessModule module in process.Modules)
            {
                string name = Path.GetFileName(module.FileName ?? "");
                if (name is "libc10.so" or "libc10.dylib" || name.Equals("c10.dll", StringComparison.OrdinalIgnoreCase))
                    return module.FileName;
            }
            return null;
        }
    }
}

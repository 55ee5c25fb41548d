using System;
using System.Collections.Generic;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NetDsl.Onnx
{
    /// <summary>
    /// How each module kind is written: a module that implements <see cref="IOnnxExport"/> writes itself (generated blocks
    /// and networks, the runtime's kernels); TorchSharp's own layers are written by the files of Onnx/Modules/, one per
    /// family, each registering its kinds here. A kind nobody registered is an error naming the stage and the type.
    /// </summary>
    internal static partial class OnnxModules
    {
        private static readonly Dictionary<Type, Func<OnnxGraph, nn.Module, OnnxValue, OnnxValue>> Writers = new();

        static OnnxModules()
        {
            RegisterContainers();
            RegisterConvolutions();
            RegisterNormalizations();
            RegisterActivations();
            RegisterPools();
            RegisterCore();
        }

        private static void Register<T>(Func<OnnxGraph, T, OnnxValue, OnnxValue> write) where T : nn.Module =>
            Writers[typeof(T)] = (g, m, x) => write(g, (T)m, x);

        public static OnnxValue Write(OnnxGraph g, nn.Module module, OnnxValue input)
        {
            if (module is IOnnxExport own) return own.ExportOnnx(g, input);
            if (Writers.TryGetValue(module.GetType(), out var write)) return write(g, module, input);
            throw g.Unsupported(module, "has no ONNX export: implement NetDsl.Onnx.IOnnxExport on it (see docs/onnx.md)");
        }

        private static void RegisterContainers()
        {
            // nn.Sequential: its children in order, under their names (layer1.0, layer1.1, ...).
            Register<Sequential>((g, m, x) =>
            {
                foreach (var child in m.children()) x = g.Module(child, x);
                return x;
            });
        }
    }
}

using System;

namespace NetDsl
{
    /// <summary>
    /// Feeds the stage with the output of an earlier stage instead of the previous one: a top-level stage's name, or a
    /// module path into a used block (<c>"backbone.layer3"</c>, <c>"backbone.layer3.5.conv2"</c>), as torchvision's
    /// <c>IntermediateLayerGetter</c> names them. The stages from here on form a side head (DeepLabV3's auxiliary
    /// classifier); its last stage must be an <see cref="OutputAttribute"/>. Checked at compile time, with the tapped
    /// tensor's shape in the summary. Networks only.
    /// </summary>
    [AttributeUsage(AttributeTargets.Field, AllowMultiple = false, Inherited = false)]
    public sealed class TapAttribute : LayerAttribute
    {
        public TapAttribute(string path) => Path = path;

        /// <summary>The module path of the tapped stage, relative to the network.</summary>
        public string Path { get; }
    }

    /// <summary>
    /// Names the stage's output as an output of the network (torchvision's <c>"out"</c> and <c>"aux"</c>). A network
    /// with outputs gets a method <c>forward_all</c> returning all of them in declaration order; <c>forward</c> still
    /// returns the main one, the end of the main path (the stages before the first <see cref="TapAttribute"/>).
    /// Networks only.
    /// </summary>
    [AttributeUsage(AttributeTargets.Field, AllowMultiple = false, Inherited = false)]
    public sealed class OutputAttribute : LayerAttribute
    {
        public OutputAttribute(string name) => Name = name;

        /// <summary>The output's key (a name usable as a C# property once capitalised, e.g. "aux").</summary>
        public string Name { get; }
    }
}

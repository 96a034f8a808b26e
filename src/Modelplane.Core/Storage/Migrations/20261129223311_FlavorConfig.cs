using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Modelplane.Core.Storage.Migrations
{
    /// <inheritdoc />
    public partial class FlavorConfig : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "FlavorConfigJson",
                table: "ModelVersions",
                type: "TEXT",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "FlavorConfigJson",
                table: "ModelVersions");
        }
    }
}

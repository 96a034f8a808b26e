using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Modelplane.Core.Storage.Migrations
{
    /// <inheritdoc />
    public partial class ServedEntityImages : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "ServedEntityImages",
                columns: table => new
                {
                    EndpointId = table.Column<string>(type: "TEXT", nullable: false),
                    ConfigVersion = table.Column<int>(type: "INTEGER", nullable: false),
                    ServedEntityName = table.Column<string>(type: "TEXT", nullable: false),
                    ImageId = table.Column<string>(type: "TEXT", nullable: false),
                    RuntimeId = table.Column<string>(type: "TEXT", nullable: false),
                    BuiltAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ServedEntityImages", x => new { x.EndpointId, x.ConfigVersion, x.ServedEntityName });
                });

            migrationBuilder.CreateIndex(
                name: "IX_ServedEntityImages_ImageId",
                table: "ServedEntityImages",
                column: "ImageId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ServedEntityImages");
        }
    }
}
